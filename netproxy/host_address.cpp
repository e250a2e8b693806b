#include "netproxy/host_address.hpp"

#include <arpa/inet.h>
#include <net/if.h>

#include <cerrno>
#include <cstring>

#include "netproxy/rtnetlink.hpp"

namespace orkest::netproxy {

namespace {

// One RTM_NEWADDR / RTM_DELADDR request over rtnetlink, waiting for the kernel's ack.
std::optional<std::string> change_address(const std::string& address, bool add, bool* added = nullptr) {
  in_addr ip{};
  if (inet_pton(AF_INET, address.c_str(), &ip) != 1) return address + ": not an IPv4 address";
  unsigned index = if_nametoindex("lo");
  if (index == 0) return std::string("loopback interface not found: ") + std::strerror(errno);

  rtnetlink_request<ifaddrmsg> request(add ? RTM_NEWADDR : RTM_DELADDR, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
  request.message.ifa_family = AF_INET;
  request.message.ifa_prefixlen = 32;
  request.message.ifa_scope = RT_SCOPE_HOST;
  request.message.ifa_index = index;
  request.append(IFA_LOCAL, &ip, sizeof ip);
  request.append(IFA_ADDRESS, &ip, sizeof ip);
  if (add) request.append(IFA_LABEL, loopback_label, std::strlen(loopback_label) + 1);

  int error = rtnetlink_change(request.header);
  if (added) *added = add && error == 0;
  // Already there (add) or already gone (remove) is what was asked for.
  bool done = error == 0 || (add && error == EEXIST) || (!add && error == EADDRNOTAVAIL);
  if (done) return std::nullopt;
  return address + " on lo: " + std::strerror(error);
}

}  // namespace

std::optional<std::string> add_loopback_address(const std::string& address, bool* added) {
  return change_address(address, true, added);
}

std::optional<std::string> remove_loopback_address(const std::string& address) { return change_address(address, false); }

std::vector<std::string> labelled_loopback_addresses() {
  std::vector<std::string> found;
  unsigned index = if_nametoindex("lo");
  if (index == 0) return found;
  rtnetlink_request<ifaddrmsg> request(RTM_GETADDR, 0);
  request.message.ifa_family = AF_INET;
  rtnetlink_dump(request.header, [&](const nlmsghdr& header) {
    if (header.nlmsg_type != RTM_NEWADDR) return;
    const auto* message = static_cast<const ifaddrmsg*>(NLMSG_DATA(&header));
    if (message->ifa_index != index) return;
    std::string label;
    std::optional<in_addr> local;
    int attributes_length = static_cast<int>(IFA_PAYLOAD(&header));
    for (auto* attribute = IFA_RTA(message); RTA_OK(attribute, attributes_length);
         attribute = RTA_NEXT(attribute, attributes_length)) {
      if (attribute->rta_type == IFA_LABEL) label = static_cast<const char*>(RTA_DATA(attribute));
      if (attribute->rta_type == IFA_LOCAL && RTA_PAYLOAD(attribute) == sizeof(in_addr)) {
        in_addr value;
        std::memcpy(&value, RTA_DATA(attribute), sizeof value);
        local = value;
      }
    }
    char text[INET_ADDRSTRLEN];
    if (label == loopback_label && local && inet_ntop(AF_INET, &*local, text, sizeof text)) found.emplace_back(text);
  });
  return found;
}

}  // namespace orkest::netproxy
