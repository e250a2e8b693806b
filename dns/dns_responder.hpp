#pragma once
// What the cluster DNS says to one datagram. A pure function, so the whole policy is testable
// without sockets:
//   A/IN for a name in the table      -> NOERROR, AA, its addresses (TTL 5 s)
//   any other type/class for that name -> NOERROR, AA, no answers (NODATA). glibc, musl and
//                                         busybox ask A and AAAA in parallel; NXDOMAIN for
//                                         the AAAA says the name does not exist at all, and
//                                         musl, for one, then ignores the A answer.
//   a name not in the table            -> NXDOMAIN, AA (there is no upstream to ask)
//   opcode other than QUERY            -> NOTIMP
//   unreadable question                -> FORMERR
//   shorter than a header, or a reply  -> nothing

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "dns/record_table.hpp"

namespace orkest::dns {

// Short, so clients notice pod restarts quickly (a new pod gets a new address).
constexpr uint32_t answer_ttl_seconds = 5;

std::optional<std::vector<uint8_t>> respond(const uint8_t* data, size_t size, const record_table& records);

}  // namespace orkest::dns
