#include "netproxy/rtnetlink.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "netproxy/unique_fd.hpp"

namespace orkest::netproxy {

namespace {

// Opens a route netlink socket (its answers awaited at most 2 s) and sends `request`.
// Returns the socket to read the answer from, or -errno.
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

}  // namespace

int rtnetlink_change(nlmsghdr& request) {
  request.nlmsg_flags |= NLM_F_ACK;
  int sent = send_to_kernel(request);
  if (sent < 0) return -sent;
  unique_fd fd(sent);
  alignas(nlmsghdr) char reply[4096];
  ssize_t received = recv(fd.get(), reply, sizeof reply, 0);
  if (received < 0) return errno;
  auto* header = reinterpret_cast<nlmsghdr*>(reply);
  if (!NLMSG_OK(header, static_cast<unsigned>(received)) || header->nlmsg_type != NLMSG_ERROR) return EPROTO;
  return -reinterpret_cast<nlmsgerr*>(NLMSG_DATA(header))->error;
}

bool rtnetlink_dump(nlmsghdr& request, const std::function<void(const nlmsghdr&)>& each) {
  request.nlmsg_flags |= NLM_F_DUMP;
  int sent = send_to_kernel(request);
  if (sent < 0) return false;
  unique_fd fd(sent);
  // The dump comes in several datagrams and ends with NLMSG_DONE.
  alignas(nlmsghdr) char reply[32768];
  for (;;) {
    ssize_t received = recv(fd.get(), reply, sizeof reply, 0);
    if (received <= 0) return false;
    int length = static_cast<int>(received);
    for (auto* header = reinterpret_cast<nlmsghdr*>(reply); NLMSG_OK(header, static_cast<unsigned>(length));
         header = NLMSG_NEXT(header, length)) {
      if (header->nlmsg_type == NLMSG_DONE) return true;
      if (header->nlmsg_type == NLMSG_ERROR) return false;
      each(*header);
    }
  }
}

}  // namespace orkest::netproxy
