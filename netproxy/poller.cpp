#include "netproxy/poller.hpp"

#include <cerrno>
#include <system_error>

namespace orkest::netproxy {

poller::poller() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (!epoll_) throw std::system_error(errno, std::generic_category(), "epoll_create1");
}

int poller::add(int fd, uint32_t events, token t) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = t.encode();
  return ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : errno;
}

int poller::modify(int fd, uint32_t events, token t) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = t.encode();
  return ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev) == 0 ? 0 : errno;
}

int poller::remove(int fd) {
  // Explicit removal rather than relying on close(): a forked child that has not exec'd yet
  // still shares the open file, and epoll would keep reporting it.
  return ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr) == 0 ? 0 : errno;
}

int poller::wait(epoll_event* events, int max_events, int timeout_ms) {
  return ::epoll_wait(epoll_.get(), events, max_events, timeout_ms);
}

}  // namespace orkest::netproxy
