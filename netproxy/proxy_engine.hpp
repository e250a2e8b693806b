#pragma once
// A TCP proxy engine: listening sockets, replaceable backend sets, round-robin choice, byte
// shuffling on one epoll thread. No CAF, no JSON: the Service actor drives it and owns its
// listeners through the RAII `listener` handle below.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace orkest::netproxy {

struct backend {
  std::string host;  // numeric IPv4 address
  uint16_t port = 0;
  bool operator==(const backend& other) const { return host == other.host && port == other.port; }
};

struct listener_stats {
  uint64_t accepted = 0;          // client connections accepted
  uint64_t active = 0;            // connections open right now
  uint64_t connect_failures = 0;  // backend connects that failed (and were retried elsewhere)
  uint64_t no_backend = 0;        // clients closed because no backend could be reached
  uint64_t over_limit = 0;        // clients closed at once: the listener's connection cap was reached
};

// Connections one listener carries at once: each holds two to six descriptors, and the process
// shares its descriptors with the API and podman's pipes, so no Service can take them all.
inline constexpr std::size_t default_max_connections_per_listener = 4096;

class engine;

// One listening socket, owned by whoever holds it. Destroying it closes the listening socket
// at once (the port is free when the destructor returns); established connections keep
// flowing until either side closes.
class listener {
 public:
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;
  ~listener();

  // Replaces the backend set; established connections are not touched. Thread-safe.
  void set_backends(std::vector<backend> backends);
  // ClientIP session affinity for new connections (zero: none, round-robin). Thread-safe.
  void set_session_affinity(std::chrono::seconds timeout);
  listener_stats stats() const;
  uint16_t port() const;  // the bound port (useful when asked for port 0)

 private:
  friend class engine;
  struct impl;
  explicit listener(std::shared_ptr<impl> state);
  std::shared_ptr<impl> state_;
};

// Owns the epoll thread. All methods are thread-safe.
class engine {
 public:
  engine();
  ~engine();  // closes every listener and connection, joins the thread
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  // Binds and listens on address:port (address "0.0.0.0" for all). On failure returns a
  // message naming the address and the OS error, e.g. "127.0.0.1:2000: Address already in use".
  // A client arriving while `max_connections` are open is closed at once.
  std::variant<std::unique_ptr<listener>, std::string> listen(
      const std::string& address, uint16_t port, std::size_t max_connections = default_max_connections_per_listener);

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace orkest::netproxy
