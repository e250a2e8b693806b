#pragma once
// response_sink over Pistache: holds the request's ResponseWriter until the answer is known,
// then sends it whole or streams it chunked (Transfer-Encoding: chunked). Every write only
// enqueues bytes on the connection's transport (Tcp::Peer::send), which its own thread sends:
// Pistache's ResponseStream::flush() would also drain the transport's queue on the calling
// thread, racing the transport's thread (it aborts with "could not find write data"). A
// closed sink never touches Pistache again, so closing every sink before the endpoint shuts
// down makes late writers harmless.

#include <pistache/http.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "api/response_sink.hpp"

namespace orkest::api {

class pistache_sink final : public response_sink {
 public:
  // A stream whose client has not read this many bytes of it is closed, as Kubernetes closes a
  // watcher too slow to keep up (the client watches again): one that never read once grew
  // orkest's memory without limit.
  static constexpr std::size_t max_unsent_bytes = 16 << 20;

  explicit pistache_sink(Pistache::Http::ResponseWriter writer);

  bool send(const http_response& response) override;
  bool begin_stream(int code, const std::string& content_type) override;
  bool write(const std::string& chunk) override;
  void end() override;
  const std::atomic<bool>& closed() const override { return closed_; }
  void on_close(std::function<void()> callback) override;

  // The client disconnected or the server stops: nothing more is written.
  void close();
  // The connection this response belongs to (an identity only; never dereferenced).
  const void* connection() const { return connection_; }
  // Whether send() or end() finished the exchange.
  bool answered() const;
  // The connection's peer while it lasts (nullptr after the client left).
  std::shared_ptr<Pistache::Tcp::Peer> peer() const { return peer_.lock(); }

 private:
  mutable std::mutex mutex_;
  bool enqueue(std::string bytes);  // false: the connection is gone
  // Closes a stream the client does not read; called with mutex_ held.
  std::function<void()> drop_slow_reader();

  std::optional<Pistache::Http::ResponseWriter> writer_;
  std::weak_ptr<Pistache::Tcp::Peer> peer_;
  bool streaming_ = false;
  const void* connection_ = nullptr;
  std::atomic<bool> closed_{false};
  bool answered_ = false;
  std::function<void()> on_close_;
  // Bytes handed to the transport and not yet written to the socket; shared with the
  // transport's completion callbacks, which may outlive the sink.
  std::shared_ptr<std::atomic<std::size_t>> unsent_ = std::make_shared<std::atomic<std::size_t>>(0);
};

// The sinks still open, by connection: the server closes them when their client disconnects
// and all of them when it stops.
class sink_registry {
 public:
  void add(const std::shared_ptr<pistache_sink>& sink);
  void remove(const pistache_sink& sink);
  void close_connection(const void* connection);
  // Whether a response on `connection` is still open (a watch or log follow streaming).
  bool has_open(const void* connection);
  // Responses still open on every connection; those that ended are forgotten on the way.
  std::size_t open_count();
  void close_all();

 private:
  std::mutex mutex_;
  std::multimap<const void*, std::weak_ptr<pistache_sink>> sinks_;
};

}  // namespace orkest::api
