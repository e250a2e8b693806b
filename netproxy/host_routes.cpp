#include "netproxy/host_routes.hpp"

#include <arpa/inet.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "netproxy/rtnetlink.hpp"

namespace orkest::netproxy {

namespace {

struct ipv4_cidr {
  in_addr address{};
  unsigned char prefix = 0;
};

std::optional<ipv4_cidr> parse_cidr(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos || slash + 1 >= text.size() || text.size() - slash > 3) return std::nullopt;
  ipv4_cidr cidr;
  if (inet_pton(AF_INET, text.substr(0, slash).c_str(), &cidr.address) != 1) return std::nullopt;
  const auto bits = text.substr(slash + 1);
  if (bits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  int prefix = std::atoi(bits.c_str());
  if (prefix < 0 || prefix > 32) return std::nullopt;
  cidr.prefix = static_cast<unsigned char>(prefix);
  return cidr;
}

std::string text_of(const in_addr& address) {
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &address, text, sizeof text);
  return text;
}

rtnetlink_request<rtmsg> route_request(unsigned short type, unsigned short flags, const ipv4_cidr& destination) {
  rtnetlink_request<rtmsg> request(type, flags);
  request.message.rtm_family = AF_INET;
  request.message.rtm_dst_len = destination.prefix;
  request.message.rtm_table = RT_TABLE_MAIN;
  request.message.rtm_protocol = route_protocol;
  request.message.rtm_scope = RT_SCOPE_UNIVERSE;
  request.message.rtm_type = RTN_UNICAST;
  request.append(RTA_DST, &destination.address, sizeof destination.address);
  return request;
}

}  // namespace

std::optional<std::string> replace_host_route(const host_route& route) {
  const auto name = route.destination + " via " + route.gateway;
  auto destination = parse_cidr(route.destination);
  in_addr gateway{};
  if (!destination || inet_pton(AF_INET, route.gateway.c_str(), &gateway) != 1)
    return name + ": not an IPv4 CIDR and address";
  auto request = route_request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, *destination);
  request.append(RTA_GATEWAY, &gateway, sizeof gateway);
  if (int error = rtnetlink_change(request.header); error != 0) return "route " + name + ": " + std::strerror(error);
  return std::nullopt;
}

std::optional<std::string> remove_host_route(const std::string& destination_text) {
  auto destination = parse_cidr(destination_text);
  if (!destination) return destination_text + ": not an IPv4 CIDR";
  auto request = route_request(RTM_DELROUTE, 0, *destination);
  int error = rtnetlink_change(request.header);
  if (error == 0 || error == ESRCH) return std::nullopt;
  return "route to " + destination_text + ": " + std::strerror(error);
}

std::optional<std::vector<host_route>> orkest_host_routes() {
  std::vector<host_route> found;
  rtnetlink_request<rtmsg> request(RTM_GETROUTE, 0);
  request.message.rtm_family = AF_INET;
  bool whole = rtnetlink_dump(request.header, [&](const nlmsghdr& header) {
    if (header.nlmsg_type != RTM_NEWROUTE) return;
    const auto* message = static_cast<const rtmsg*>(NLMSG_DATA(&header));
    if (message->rtm_protocol != route_protocol || message->rtm_table != RT_TABLE_MAIN) return;
    std::optional<in_addr> destination, gateway;
    int attributes_length = static_cast<int>(RTM_PAYLOAD(&header));
    for (auto* attribute = RTM_RTA(message); RTA_OK(attribute, attributes_length);
         attribute = RTA_NEXT(attribute, attributes_length)) {
      if (RTA_PAYLOAD(attribute) != sizeof(in_addr)) continue;
      in_addr value;
      std::memcpy(&value, RTA_DATA(attribute), sizeof value);
      if (attribute->rta_type == RTA_DST) destination = value;
      if (attribute->rta_type == RTA_GATEWAY) gateway = value;
    }
    if (!destination) destination = in_addr{};  // the default route has no RTA_DST
    found.push_back({text_of(*destination) + "/" + std::to_string(message->rtm_dst_len),
                     gateway ? text_of(*gateway) : std::string{}});
  });
  if (!whole) return std::nullopt;
  return found;
}

}  // namespace orkest::netproxy
