#include "netproxy/host_address.hpp"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace orkest::netproxy {

namespace {

// Opens a route netlink socket (its answers awaited at most 2 s) and sends `request` to the
// kernel. Returns the socket, to read the answer from and close, or -errno.
int send_to_kernel(const nlmsghdr& request) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return -errno;
  timeval timeout{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd, &request, request.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    int error = errno;
    close(fd);
    return -error;
  }
  return fd;
}

// One RTM_NEWADDR / RTM_DELADDR request over rtnetlink, waiting for the kernel's ack.
std::optional<std::string> change_address(const std::string& address, bool add) {
  in_addr ip{};
  if (inet_pton(AF_INET, address.c_str(), &ip) != 1) return address + ": not an IPv4 address";
  unsigned index = if_nametoindex("lo");
  if (index == 0) return std::string("loopback interface not found: ") + std::strerror(errno);

  struct {
    nlmsghdr header;
    ifaddrmsg message;
    char attributes[64];
  } request{};
  request.header.nlmsg_len = NLMSG_LENGTH(sizeof(ifaddrmsg));
  request.header.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
  request.header.nlmsg_seq = 1;
  request.message.ifa_family = AF_INET;
  request.message.ifa_prefixlen = 32;
  request.message.ifa_scope = RT_SCOPE_HOST;
  request.message.ifa_index = index;
  auto append = [&request](unsigned short type, const void* data, std::size_t size) {
    auto* attribute = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(&request) + NLMSG_ALIGN(request.header.nlmsg_len));
    attribute->rta_type = type;
    attribute->rta_len = RTA_LENGTH(size);
    std::memcpy(RTA_DATA(attribute), data, size);
    request.header.nlmsg_len = NLMSG_ALIGN(request.header.nlmsg_len) + RTA_ALIGN(attribute->rta_len);
  };
  append(IFA_LOCAL, &ip, sizeof ip);
  append(IFA_ADDRESS, &ip, sizeof ip);
  if (add) append(IFA_LABEL, loopback_label, std::strlen(loopback_label) + 1);

  int fd = send_to_kernel(request.header);
  if (fd < 0) return address + ": netlink: " + std::strerror(-fd);
  std::optional<std::string> result;
  char reply[4096];
  ssize_t received = recv(fd, reply, sizeof reply, 0);
  auto* header = reinterpret_cast<nlmsghdr*>(reply);
  if (received < 0) {
    result = address + ": no answer from netlink: " + std::strerror(errno);
  } else if (NLMSG_OK(header, static_cast<unsigned>(received)) && header->nlmsg_type == NLMSG_ERROR) {
    int error = -reinterpret_cast<nlmsgerr*>(NLMSG_DATA(header))->error;
    // Already there (add) or already gone (remove) is what was asked for.
    bool done = error == 0 || (add && error == EEXIST) || (!add && error == EADDRNOTAVAIL);
    if (!done) result = address + " on lo: " + std::strerror(error);
  }
  close(fd);
  return result;
}

}  // namespace

std::optional<std::string> add_loopback_address(const std::string& address) { return change_address(address, true); }

std::optional<std::string> remove_loopback_address(const std::string& address) { return change_address(address, false); }

std::vector<std::string> labelled_loopback_addresses() {
  std::vector<std::string> found;
  unsigned index = if_nametoindex("lo");
  if (index == 0) return found;
  struct {
    nlmsghdr header;
    ifaddrmsg message;
  } request{};
  request.header.nlmsg_len = NLMSG_LENGTH(sizeof(ifaddrmsg));
  request.header.nlmsg_type = RTM_GETADDR;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = 1;
  request.message.ifa_family = AF_INET;
  int fd = send_to_kernel(request.header);
  if (fd < 0) return found;
  // The dump comes in several datagrams and ends with NLMSG_DONE.
  alignas(nlmsghdr) char reply[32768];
  for (bool done = false; !done;) {
    ssize_t received = recv(fd, reply, sizeof reply, 0);
    if (received <= 0) break;
    int length = static_cast<int>(received);
    for (auto* header = reinterpret_cast<nlmsghdr*>(reply); NLMSG_OK(header, static_cast<unsigned>(length));
         header = NLMSG_NEXT(header, length)) {
      if (header->nlmsg_type == NLMSG_DONE || header->nlmsg_type == NLMSG_ERROR) {
        done = true;
        break;
      }
      if (header->nlmsg_type != RTM_NEWADDR) continue;
      auto* message = reinterpret_cast<ifaddrmsg*>(NLMSG_DATA(header));
      if (message->ifa_index != index) continue;
      std::string label;
      std::optional<in_addr> local;
      int attributes_length = static_cast<int>(IFA_PAYLOAD(header));
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
    }
  }
  close(fd);
  return found;
}

}  // namespace orkest::netproxy
