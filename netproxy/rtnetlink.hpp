#pragma once
// Requests to the kernel's routing tables over rtnetlink (addresses, routes): one request
// built with its attributes, sent, and its acknowledgement or dump read back. Needs
// CAP_NET_ADMIN for changes.

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstddef>
#include <cstring>
#include <functional>
#include <optional>
#include <string>

namespace orkest::netproxy {

// One rtnetlink message: the header, a fixed message (ifaddrmsg, rtmsg, ...) and attributes.
template <class Message>
struct rtnetlink_request {
  nlmsghdr header{};
  Message message{};
  alignas(rtattr) char attributes[128]{};

  rtnetlink_request(unsigned short type, unsigned short flags) {
    header.nlmsg_len = NLMSG_LENGTH(sizeof(Message));
    header.nlmsg_type = type;
    header.nlmsg_flags = static_cast<unsigned short>(NLM_F_REQUEST | flags);
    header.nlmsg_seq = 1;
  }

  // Appends one attribute; the fixed buffer holds a few addresses and a label.
  void append(unsigned short type, const void* data, std::size_t size) {
    auto* attribute = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(this) + NLMSG_ALIGN(header.nlmsg_len));
    attribute->rta_type = type;
    attribute->rta_len = static_cast<unsigned short>(RTA_LENGTH(size));
    std::memcpy(RTA_DATA(attribute), data, size);
    header.nlmsg_len = NLMSG_ALIGN(header.nlmsg_len) + RTA_ALIGN(attribute->rta_len);
  }
};

// Sends a change (NLM_F_ACK is added) and waits, at most 2 s, for the kernel's answer. Returns
// 0 on success, else the errno the kernel (or the socket) answered with.
int rtnetlink_change(nlmsghdr& request);

// Sends a dump request (NLM_F_DUMP is added) and calls `each` for every message of the answer.
// False when the dump could not be read whole.
bool rtnetlink_dump(nlmsghdr& request, const std::function<void(const nlmsghdr&)>& each);

}  // namespace orkest::netproxy
