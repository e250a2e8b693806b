// The relay on its own, over real loopback TCP connections: writer -> [source | relay | sink]
// -> reader, driven step by step from the test thread.

#include "netproxy/relay.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace orkest::netproxy {
namespace {

using namespace proxytest;

void make_non_blocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Both ends of one loopback TCP connection, non-blocking.
struct tcp_pair {
  unique_fd near_end;
  unique_fd far_end;
};

tcp_pair connected_pair() {
  unique_fd server(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr = loopback(0);
  if (::bind(server.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(server.get(), 1) != 0)
    throw std::runtime_error("bind/listen");
  tcp_pair pair;
  pair.near_end = connect_to(port_of(server.get()));
  pair.far_end.reset(::accept4(server.get(), nullptr, nullptr, SOCK_CLOEXEC));
  make_non_blocking(pair.near_end.get());
  make_non_blocking(pair.far_end.get());
  return pair;
}

struct relay_rig {
  tcp_pair in = connected_pair();   // writer = in.near_end, source = in.far_end
  tcp_pair out = connected_pair();  // sink = out.near_end, reader = out.far_end
  relay pipe{in.far_end.get(), out.near_end.get()};

  int writer() const { return in.near_end.get(); }
  int reader() const { return out.far_end.get(); }
};

// Pushes `payload` through the rig, reading as it goes, then half-closes the writer and runs
// until the reader sees end of stream. Returns what the reader got.
std::string stream_through(relay_rig& rig, const std::string& payload, bool& spliced) {
  std::string received;
  std::size_t sent = 0;
  bool fin_sent = false;
  char buf[65536];
  auto deadline = clock::now() + patience;
  while (clock::now() < deadline) {
    if (sent < payload.size()) {
      ssize_t n = ::send(rig.writer(), payload.data() + sent, payload.size() - sent, MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<std::size_t>(n);
    } else if (!fin_sent) {
      ::shutdown(rig.writer(), SHUT_WR);
      fin_sent = true;
    }
    EXPECT_TRUE(rig.pipe.pump());
    spliced = spliced || rig.pipe.splicing();
    ssize_t n = ::recv(rig.reader(), buf, sizeof buf, 0);
    if (n > 0) received.append(buf, static_cast<std::size_t>(n));
    if (n == 0) break;  // the relay passed the FIN on
    if (n < 0 && errno != EAGAIN) break;
    if (n < 0) {
      pollfd fds[] = {{rig.in.far_end.get(), POLLIN, 0}, {rig.reader(), POLLIN, 0}};
      ::poll(fds, 2, 10);
    }
  }
  return received;
}

TEST(Relay, CopiesShortFlowsAndHalfClosesTheSink) {
  relay_rig rig;
  bool spliced = false;
  std::string payload = pattern(100 * 1024);
  EXPECT_TRUE(stream_through(rig, payload, spliced) == payload);
  EXPECT_FALSE(spliced) << "a short flow should not pay for a pipe";
  EXPECT_TRUE(rig.pipe.finished());
}

TEST(Relay, SwitchesToSpliceForBulkFlows) {
  relay_rig rig;
  bool spliced = false;
  std::string payload = pattern(3 * relay::splice_after + 12345, 5);
  std::string received = stream_through(rig, payload, spliced);
  EXPECT_EQ(received.size(), payload.size());
  EXPECT_TRUE(received == payload);
  EXPECT_TRUE(spliced);
  EXPECT_TRUE(rig.pipe.finished());
}

TEST(Relay, StopsReadingWhileTheSinkIsFull) {
  relay_rig rig;
  std::string chunk = pattern(64 * 1024);
  // Nobody reads: keep the source supplied until the relay holds bytes it cannot deliver.
  auto deadline = clock::now() + patience;
  while (!rig.pipe.wants_write() && clock::now() < deadline) {
    ::send(rig.writer(), chunk.data(), chunk.size(), MSG_NOSIGNAL);
    ASSERT_TRUE(rig.pipe.pump());
  }
  ASSERT_TRUE(rig.pipe.wants_write());
  EXPECT_FALSE(rig.pipe.wants_read()) << "it must not read more while it cannot write";
  EXPECT_FALSE(rig.pipe.finished());
}

TEST(Relay, ReportsAResetSink) {
  relay_rig rig;
  linger hard{1, 0};
  ::setsockopt(rig.out.far_end.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  rig.out.far_end.reset();  // the reader resets the connection
  ASSERT_TRUE(send_all(rig.writer(), "data"));
  bool failed = wait_until([&] { return !rig.pipe.pump(); });
  EXPECT_TRUE(failed);
}

}  // namespace
}  // namespace orkest::netproxy
