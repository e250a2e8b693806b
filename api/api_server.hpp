#pragma once
// The Pistache HTTP server in front of request_handler: parses nothing itself, owns the
// listening socket and the worker threads.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "api/connection_guard.hpp"
#include "api/request_handler.hpp"

namespace orkest::api {

struct server_settings {
  std::string address = "127.0.0.1";
  uint16_t port = 3000;  // 0: any free port (see api_server::port())
  int threads = 2;
  std::chrono::milliseconds request_timeout{10000};  // store answer deadline (504 after)
  std::chrono::milliseconds read_timeout{60000};     // slow or truncated requests (408 after)
  // The longest a watch or log follow stays open, whatever the client asked (Kubernetes'
  // --min-request-timeout is 1800 s); clients then watch again.
  std::chrono::milliseconds watch_timeout{1800000};
  handler_settings handler;
  connection_limits connections;
  // Watches and log follows open at once; more get 429 TooManyRequests (each holds a
  // connection and a queue of events).
  std::size_t max_streams = 500;
  // Both set: serve HTTPS with this certificate and key (PEM). kubectl sends bearer tokens
  // only over TLS.
  std::string tls_cert_file;
  std::string tls_key_file;
};

class api_server {
 public:
  // `logs`: where the /log subresource of pods reads from (404 without one).
  api_server(caf::actor_system& system, actors::store_actor store, server_settings settings,
             std::optional<log_source> logs = std::nullopt);
  ~api_server();

  // Binds and starts serving on background threads; throws std::runtime_error naming the
  // address when the port cannot be bound.
  void start();
  void stop();
  uint16_t port() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace orkest::api
