#include "netproxy/transparent_return.hpp"

#include <linux/fib_rules.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "netproxy/host_routes.hpp"
#include "netproxy/rtnetlink.hpp"

namespace orkest::netproxy {

namespace {

rtnetlink_request<fib_rule_hdr> rule_request(unsigned short type, unsigned short flags) {
  rtnetlink_request<fib_rule_hdr> request(type, flags);
  request.message.family = AF_INET;
  request.message.table = static_cast<unsigned char>(transparent_table);
  request.message.action = FR_ACT_TO_TBL;
  const uint32_t mask = 0xffffffff;
  request.append(FRA_FWMARK, &transparent_mark, sizeof transparent_mark);
  request.append(FRA_FWMASK, &mask, sizeof mask);
  request.append(FRA_PRIORITY, &transparent_rule_priority, sizeof transparent_rule_priority);
  return request;
}

rtnetlink_request<rtmsg> local_route_request(unsigned short type, unsigned short flags) {
  rtnetlink_request<rtmsg> request(type, flags);
  request.message.rtm_family = AF_INET;
  request.message.rtm_dst_len = 0;
  request.message.rtm_table = static_cast<unsigned char>(transparent_table);
  request.message.rtm_protocol = route_protocol;
  request.message.rtm_scope = RT_SCOPE_HOST;
  request.message.rtm_type = RTN_LOCAL;
  const uint32_t loopback = if_nametoindex("lo");
  request.append(RTA_OIF, &loopback, sizeof loopback);
  return request;
}

}  // namespace

std::optional<std::string> add_transparent_return() {
  auto rule = rule_request(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL);
  if (int error = rtnetlink_change(rule.header); error != 0 && error != EEXIST)
    return std::string("policy rule for marked packets: ") + std::strerror(error);
  auto route = local_route_request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE);
  if (int error = rtnetlink_change(route.header); error != 0)
    return "local route in table " + std::to_string(transparent_table) + ": " + std::strerror(error);
  return std::nullopt;
}

std::optional<std::string> remove_transparent_return() {
  std::string failures;
  auto rule = rule_request(RTM_DELRULE, 0);
  if (int error = rtnetlink_change(rule.header); error != 0 && error != ENOENT)
    failures = std::string("policy rule for marked packets: ") + std::strerror(error);
  auto route = local_route_request(RTM_DELROUTE, 0);
  if (int error = rtnetlink_change(route.header); error != 0 && error != ESRCH)
    failures += (failures.empty() ? "" : "; ") + std::string("local route in table ") +
                std::to_string(transparent_table) + ": " + std::strerror(error);
  if (failures.empty()) return std::nullopt;
  return failures;
}

}  // namespace orkest::netproxy
