#pragma once
// The cluster's DNS responder: answers A queries for pod and Service names from a table that
// orkest replaces whenever pods or Services change. Everything else gets NXDOMAIN (there is
// no upstream on an offline host; see docs/architecture.md). One UDP socket, one thread.
// No CAF, no JSON.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "dns/record_table.hpp"  // record_table: lower-case name -> IPv4 addresses

namespace orkest::dns {

// What keeps a responder current needs of it: its whole table replaced at once (an interface,
// so the cluster DNS actor runs on a fake in tests; dns_server is the real one).
class responder {
 public:
  virtual ~responder() = default;
  // Replaces every record at once; thread-safe. Clients expand short names with their
  // resolv.conf search list, so the table holds every full form of a name.
  virtual void set_records(record_table records) = 0;
};

class dns_server final : public responder {
 public:
  // Binds UDP address:port (port 0: any free port, see port()). On failure returns a
  // message naming the address and the OS error.
  static std::variant<std::unique_ptr<dns_server>, std::string> start(const std::string& address, uint16_t port);
  ~dns_server() override;  // stops the thread and closes the socket

  void set_records(record_table records) override;
  uint16_t port() const;

  dns_server(const dns_server&) = delete;
  dns_server& operator=(const dns_server&) = delete;

 private:
  struct impl;
  explicit dns_server(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

}  // namespace orkest::dns
