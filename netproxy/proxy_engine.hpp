#pragma once
// A TCP proxy engine: listening sockets, replaceable backend sets, round-robin choice, byte
// shuffling on one epoll thread. No CAF, no JSON: the Service actor drives it and owns its
// listeners through the RAII `listener` handle below.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace orkest::netproxy {

struct backend {
  std::string host;  // numeric IPv4 address
  uint16_t port = 0;
  bool operator==(const backend& other) const { return host == other.host && port == other.port; }
};

// IPv4 addresses from `first` to `last`, both included, in host byte order.
struct address_range {
  uint32_t first = 0;
  uint32_t last = 0;
  bool contains(uint32_t address) const { return first <= address && address <= last; }
};

// Kubernetes' externalTrafficPolicy: Local for one listener. A client that came to any address
// but `internal_address` (empty: every address is external) is external traffic: it goes only to
// `local_backends` (this node's pods; with none it is closed, as kube-proxy drops it), and the
// backend sees the client's own address as its source. Clients on loopback, or in
// `own_address_for` (pods: a pod's answer to another pod would not come back through this node),
// are proxied from this node's address as usual. Clients that came to `internal_address` (the
// cluster IP) still go to every backend.
struct external_traffic_local {
  std::vector<backend> local_backends;
  std::string internal_address;
  bool keep_client_address = true;  // false: the backend sees this node's address
  std::vector<address_range> own_address_for;
};

// Where a listener's round-robin starts in a new set of `size` backends (size > 0): below size.
using start_chooser = std::function<std::size_t(std::size_t size)>;
// A random backend (the default), so listeners on every node do not all send their first client
// to the same pod.
std::size_t random_start(std::size_t size);
// The first backend: for tests that follow the order.
inline std::size_t first_backend(std::size_t) { return 0; }

struct listener_stats {
  uint64_t accepted = 0;          // client connections accepted
  uint64_t active = 0;            // connections open right now
  uint64_t connect_failures = 0;  // backend connects that failed (and were retried elsewhere)
  uint64_t no_backend = 0;        // clients closed because no backend could be reached
  uint64_t over_limit = 0;        // clients closed at once: the listener's connection cap was reached
  uint64_t client_address_kept = 0;  // backend connections made from the client's own address
};

// Connections one listener carries at once: each holds two to six descriptors, and the process
// shares its descriptors with the API and podman's pipes, so no Service can take them all.
inline constexpr std::size_t default_max_connections_per_listener = 4096;

// One listening socket, owned by whoever holds it: an interface, so Service actors run on a
// fake in tests; the engine's listeners are the real ones. Destroying an engine listener closes
// the listening socket at once (the port is free when the destructor returns); established
// connections keep flowing until either side closes.
class listener {
 public:
  listener() = default;
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;
  virtual ~listener() = default;

  // Replaces the backend set; established connections are not touched. Thread-safe.
  virtual void set_backends(std::vector<backend> backends) = 0;
  // ClientIP session affinity for new connections (zero: none, round-robin). Thread-safe.
  virtual void set_session_affinity(std::chrono::seconds timeout) = 0;
  // Sets (or, with nullopt, ends) externalTrafficPolicy Local; see external_traffic_local.
  // Keeping a client's address needs CAP_NET_ADMIN (IP_TRANSPARENT) and the return path of
  // netproxy/transparent_return.hpp; without them the backend sees this node's address.
  // Thread-safe.
  virtual void set_external_traffic_local(std::optional<external_traffic_local> policy) = 0;
  virtual listener_stats stats() const = 0;
  virtual uint16_t port() const = 0;  // the bound port (useful when asked for port 0)
};

// What a Service actor needs of a proxy: listeners on addresses and ports. The engine below is
// the real one.
class proxy {
 public:
  virtual ~proxy() = default;
  // Binds and listens on address:port (address "0.0.0.0" for all). On failure returns a
  // message naming the address and the OS error, e.g. "127.0.0.1:2000: Address already in use".
  // A client arriving while `max_connections` are open is closed at once.
  virtual std::variant<std::unique_ptr<listener>, std::string> listen(
      const std::string& address, uint16_t port, std::size_t max_connections = default_max_connections_per_listener) = 0;
};

// Owns the epoll thread that accepts and shuffles bytes. All methods are thread-safe.
class engine final : public proxy {
 public:
  // `start`: where each listener's round-robin starts in a new backend set (random_start, or
  // first_backend for tests that follow the order; round_robin.hpp).
  explicit engine(start_chooser start = random_start);
  ~engine() override;  // closes every listener and connection, joins the thread
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  std::variant<std::unique_ptr<listener>, std::string> listen(
      const std::string& address, uint16_t port,
      std::size_t max_connections = default_max_connections_per_listener) override;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace orkest::netproxy
