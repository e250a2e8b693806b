#pragma once
// Bounds on what clients can hold of the API server before authentication costs anything: the
// size of a request's head (414 / 431 as soon as it is over, in linear time), the number of open
// connections (the excess gets a 503 Status and is closed), and how long a keep-alive
// connection may sit idle (closed once its thread is busy again). Pistache 0.0.5 has none of these: two clients sending megabytes of
// headers held both worker threads for minutes, and 20,000 idle connections took every
// descriptor the Service proxy and podman's pipes share.
//
// It is a Pistache handler wrapped around the real one; each transport thread has its own copy.
// The table of open connections is shared by all of them (Pistache places a connection on a
// thread by its descriptor, so one thread can hold every idle connection while the others are
// busy): any thread closes idle connections, and a connection leaves the table before its own
// thread closes its descriptor, so a descriptor in the table is never a reused one.

#include <pistache/http.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

namespace orkest::api {

struct connection_limits {
  std::size_t max_head_bytes = 64 * 1024;  // request line and headers together
  // A body past this (and what chunked framing may add) gets 413 and the connection closes;
  // 0: not counted. The handler checks the decoded body against the exact limit.
  std::size_t max_body_bytes = 0;
  std::size_t max_connections = 1024;
  std::chrono::milliseconds idle_timeout{90000};  // keep-alive connections between requests
};

class connection_guard : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(connection_guard)

  // `busy(peer)`: whether a connection has a response still streaming (never idle then).
  connection_guard(std::shared_ptr<Pistache::Http::Handler> inner, connection_limits limits,
                   std::function<bool(const void* connection)> busy);
  connection_guard(const connection_guard& prototype);  // one per transport thread

  // The inner handler calls this when a whole request arrived: the next bytes start a new head.
  static void request_received(const std::shared_ptr<Pistache::Tcp::Peer>& peer);

  void onRequest(const Pistache::Http::Request&, Pistache::Http::ResponseWriter) override {}  // the inner's
  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;

  class connection_table;

 private:
  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onInput(const char* buffer, size_t length, const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;

  std::shared_ptr<Pistache::Http::Handler> inner_;
  connection_limits limits_;
  std::shared_ptr<connection_table> connections_;  // shared by every thread's copy
};

}  // namespace orkest::api
