#pragma once
// Thin wrappers over the socket calls the proxy makes, so the engine and connection code read
// as steps rather than as sockaddr plumbing. Every socket is non-blocking and close-on-exec
// (orkest forks podman; children must not inherit proxy sockets).

#include <cstdint>
#include <string>
#include <variant>

#include "netproxy/proxy_engine.hpp"
#include "netproxy/unique_fd.hpp"

namespace orkest::netproxy {

// socket + SO_REUSEADDR + bind + listen. On failure: "address:port: <strerror>".
std::variant<unique_fd, std::string> open_listening_socket(const std::string& address, uint16_t port);

// The port a bound socket ended up on (the answer to "port 0").
uint16_t local_port(int fd);

// Accepts one pending connection, non-blocking and close-on-exec. Returns an invalid fd and
// sets errno when nothing could be accepted.
// `peer`, when given, gets the client's IPv4 address (network order; 0 for another family).
unique_fd accept_client(int listening_fd, uint32_t* peer = nullptr);

// The address a connected socket was reached at (network order; 0 when unknown).
uint32_t local_address(int fd);

// Starts a non-blocking connect to `target`. Returns 0 when the connect completed or is in
// progress (`out` then holds the socket), otherwise the errno of the failure. A `source`
// (network order) other than 0 is tried as the connection's source address although it is not
// this host's (IP_TRANSPARENT, CAP_NET_ADMIN); `*source_kept` says whether that worked (if not,
// the connect goes out from this host's address).
int start_connect(const backend& target, unique_fd& out, uint32_t source = 0, bool* source_kept = nullptr);

// The pending error of a socket (SO_ERROR), which is how a non-blocking connect reports its
// outcome. 0 means connected.
int pending_error(int fd);

// Bounds how long a socket may wait on a peer that vanished without a FIN or a reset, which is
// what a pod looks like when its network namespace is torn down under a live connection: data
// (or our FIN) left unacknowledged for `peer_silence_limit` ends the connection with an error,
// and an idle connection is probed after `keepalive_idle`. Without it such a connection, and its
// client's, stays open for the kernel's retransmission limit (about 15 minutes). Accepted
// sockets inherit both settings from their listening socket.
constexpr int peer_silence_limit_ms = 10'000;
constexpr int keepalive_idle_seconds = 30;
constexpr int keepalive_interval_seconds = 5;
void detect_vanished_peer(int fd);

// Disables Nagle: the proxy forwards whatever it has as soon as it has it; delaying small
// writes would add latency the two endpoints did not ask for.
void set_no_delay(int fd);

}  // namespace orkest::netproxy
