#pragma once
// The name -> address table the responder answers from. Its own header so the wire-format and
// policy code (dns_message, dns_responder) can use it without depending on the server.

#include <map>
#include <string>
#include <vector>

namespace orkest::dns {

// Lower-case fully qualified names without the trailing dot -> IPv4 addresses.
using record_table = std::map<std::string, std::vector<std::string>>;

}  // namespace orkest::dns
