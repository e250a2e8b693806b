#include "api/pistache_sink.hpp"

#include <sys/socket.h>

#include <pistache/peer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

namespace orkest::api {

using namespace Pistache;

namespace {

// Pistache 0.0.5 writes only typed headers, so the headers orkest adds (Warning) get a type.
class named_header : public Http::Header::Header {
 public:
  named_header(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void parse(const std::string& data) override { value_ = data; }
  void write(std::ostream& os) const override { os << value_; }
  uint64_t hash() const override { return Http::Header::detail::hash(name_.c_str()); }

 private:
  std::string name_;
  std::string value_;
};

// Pistache keeps one header per name, so headers of one name (several Warnings) are written as
// one comma-separated list, as RFC 9110 allows and Kubernetes' clients read them.
std::vector<std::pair<std::string, std::string>> joined_by_name(
    const std::vector<std::pair<std::string, std::string>>& headers) {
  std::vector<std::pair<std::string, std::string>> joined;
  for (const auto& [name, value] : headers) {
    auto same = std::find_if(joined.begin(), joined.end(), [&](const auto& header) { return header.first == name; });
    if (same == joined.end()) joined.emplace_back(name, value);
    else same->second += ", " + value;
  }
  return joined;
}

}  // namespace

pistache_sink::pistache_sink(Http::ResponseWriter writer) {
  auto peer = writer.getPeer();
  connection_ = peer.get();
  peer_ = peer;
  writer_.emplace(std::move(writer));
}

bool pistache_sink::enqueue(std::string bytes) {
  auto peer = peer_.lock();
  if (!peer) return false;
  auto size = bytes.size();
  *unsent_ += size;
  auto unsent = unsent_;
  peer->send(RawBuffer(std::move(bytes), size))
      .then([unsent, size](ssize_t) { *unsent -= size; }, [unsent, size](std::exception_ptr) { *unsent -= size; });
  return true;
}

std::function<void()> pistache_sink::drop_slow_reader() {
  closed_ = true;
  if (auto peer = peer_.lock()) {
    spdlog::warn("API: closing a stream to {}: {} bytes are waiting for the client to read them",
                 peer->address().host(), unsent_->load());
    // Under mutex_: the connection's own thread closes every sink of a connection (taking this
    // mutex) before it closes the descriptor, so the descriptor is still this connection's.
    ::shutdown(peer->fd(), SHUT_RDWR);
  }
  return std::move(on_close_);
}

bool pistache_sink::send(const http_response& response) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_ || answered_ || !writer_ || streaming_) return false;
  answered_ = true;
  closed_ = true;
  try {
    for (const auto& [name, value] : joined_by_name(response.headers))
      writer_->headers().add(std::make_shared<named_header>(name, value));
    writer_->setMime(Http::Mime::MediaType::fromString(response.content_type));
    writer_->send(static_cast<Http::Code>(response.code), response.body);  // enqueues only
    return true;
  } catch (const std::exception& error) {
    spdlog::debug("cannot send a response: {}", error.what());
    return false;
  }
}

bool pistache_sink::begin_stream(int code, const std::string& content_type) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_ || answered_ || !writer_ || streaming_) return false;
  std::string head = "HTTP/1.1 " + std::to_string(code) + " " + Http::codeString(static_cast<Http::Code>(code)) +
                     "\r\nContent-Type: " + content_type +
                     "\r\nCache-Control: no-cache, private\r\nTransfer-Encoding: chunked\r\n\r\n";
  streaming_ = true;
  writer_.reset();
  if (enqueue(std::move(head))) return true;
  closed_ = true;
  return false;
}

bool pistache_sink::write(const std::string& chunk) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (closed_ || !streaming_) return false;
  if (chunk.empty()) return true;  // an empty chunk would end the response
  if (unsent_->load() + chunk.size() > max_unsent_bytes) {
    auto callback = drop_slow_reader();
    lock.unlock();
    if (callback) callback();
    return false;
  }
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
  if (enqueue(size + chunk + "\r\n")) return true;
  closed_ = true;
  return false;
}

void pistache_sink::end() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_ || !streaming_) return;
  answered_ = true;
  closed_ = true;
  enqueue("0\r\n\r\n");
}

void pistache_sink::on_close(std::function<void()> callback) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (closed_) {
    bool call = !answered_;
    lock.unlock();
    if (call && callback) callback();
    return;
  }
  on_close_ = std::move(callback);
}

void pistache_sink::close() {
  std::function<void()> callback;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return;
    closed_ = true;
    callback = std::move(on_close_);
  }
  if (callback) callback();
}

bool pistache_sink::answered() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return answered_;
}

void sink_registry::add(const std::shared_ptr<pistache_sink>& sink) {
  std::lock_guard<std::mutex> lock(mutex_);
  sinks_.emplace(sink->connection(), sink);
}

void sink_registry::remove(const pistache_sink& sink) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto range = sinks_.equal_range(sink.connection());
  for (auto it = range.first; it != range.second;) {
    auto held = it->second.lock();
    if (!held || held.get() == &sink) it = sinks_.erase(it);
    else ++it;
  }
}

void sink_registry::close_connection(const void* connection) {
  std::vector<std::shared_ptr<pistache_sink>> closing;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto range = sinks_.equal_range(connection);
    for (auto it = range.first; it != range.second; ++it)
      if (auto held = it->second.lock()) closing.push_back(std::move(held));
    sinks_.erase(range.first, range.second);
  }
  if (!closing.empty()) spdlog::debug("a client disconnected: {} open response(s) closed", closing.size());
  for (auto& sink : closing) sink->close();
}

bool sink_registry::has_open(const void* connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto range = sinks_.equal_range(connection);
  for (auto it = range.first; it != range.second; ++it)
    if (auto held = it->second.lock(); held && !held->closed()) return true;
  return false;
}

std::size_t sink_registry::open_count() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t open = 0;
  for (auto it = sinks_.begin(); it != sinks_.end();) {
    auto held = it->second.lock();
    if (!held || held->closed()) {
      it = sinks_.erase(it);
      continue;
    }
    ++open;
    ++it;
  }
  return open;
}

void sink_registry::close_all() {
  std::vector<std::shared_ptr<pistache_sink>> closing;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [connection, weak] : sinks_)
      if (auto held = weak.lock()) closing.push_back(std::move(held));
    sinks_.clear();
  }
  for (auto& sink : closing) sink->close();
}

}  // namespace orkest::api
