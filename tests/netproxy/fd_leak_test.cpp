// Every descriptor the engine opens is closed exactly once, whichever way a connection ends.

#include <gtest/gtest.h>
#include <sys/resource.h>

#include "netproxy/proxy_engine.hpp"
#include "test_support.hpp"

namespace orkest::netproxy {
namespace {

using namespace proxytest;

// Ends a client connection in one of four ways, chosen by `style`.
void finish_client(unique_fd client, int style) {
  switch (style % 4) {
    case 0: {  // orderly: send, FIN, read the echo and the server's FIN
      std::string message = pattern(1000, static_cast<unsigned>(style));
      send_all(client.get(), message);
      ::shutdown(client.get(), SHUT_WR);
      EXPECT_EQ(read_to_eof(client.get()), message);
      break;
    }
    case 1:  // hang up at once, without a byte
      break;
    case 2: {  // reset (RST instead of FIN) after sending
      send_all(client.get(), pattern(5000));
      linger hard{1, 0};
      ::setsockopt(client.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
      break;
    }
    case 3:  // send and close without reading the echo
      send_all(client.get(), pattern(70000));
      break;
  }
}

TEST(ProxyEngineDescriptors, NoLeakUnderChurn) {
  int before_everything = count_open_fds();
  {
    test_server echo(test_server::mode::echo);
    dead_port dead;
    int with_servers = count_open_fds();
    std::vector<unique_fd> open;  // clients still connected when the engine goes away
    {
      engine proxy{first_backend};
      auto front = listen_local(proxy);
      // The dead backend makes half the clients go through a failed connect first.
      front->set_backends({local(dead.port()), local(echo.port())});
      int with_engine = count_open_fds();

      // 500 short connections, 50 at a time.
      for (int batch = 0; batch < 10; ++batch) {
        std::vector<unique_fd> clients;
        for (int i = 0; i < 50; ++i) clients.push_back(connect_to(front->port()));
        for (int i = 0; i < 50; ++i) finish_client(std::move(clients[i]), batch * 50 + i);
      }
      EXPECT_TRUE(wait_until([&] { return front->stats().active == 0 && echo.open_connections() == 0; }));
      EXPECT_TRUE(wait_until([&] { return count_open_fds() == with_engine; }))
          << count_open_fds() - with_engine << " descriptors more than before the churn";
      EXPECT_EQ(front->stats().accepted, 500u);
      EXPECT_EQ(front->stats().connect_failures, 250u);

      // Clients turned away because no backend answers.
      front->set_backends({local(dead.port())});
      for (int i = 0; i < 50; ++i) {
        unique_fd client = connect_to(front->port());
        EXPECT_TRUE(sees_eof(client.get()));
      }
      EXPECT_TRUE(wait_until([&] { return front->stats().no_backend == 50; }));
      EXPECT_TRUE(wait_until([&] { return count_open_fds() == with_engine; }))
          << count_open_fds() - with_engine << " descriptors more after the refused clients";

      // Connections still open when the engine goes away are closed by it.
      front->set_backends({local(echo.port())});
      for (int i = 0; i < 20; ++i) open.push_back(connect_to(front->port()));
      EXPECT_TRUE(wait_until([&] { return echo.open_connections() == 20; }));
      front.reset();
    }
    for (auto& client : open) EXPECT_TRUE(sees_eof(client.get()));
    open.clear();
    EXPECT_TRUE(wait_until([&] { return echo.open_connections() == 0; }));
    EXPECT_EQ(count_open_fds(), with_servers);
  }
  EXPECT_EQ(count_open_fds(), before_everything);
}

TEST(ProxyEngineDescriptors, EngineTeardownWithLiveClientsLeavesNothingBehind) {
  test_server echo(test_server::mode::echo);
  int before = count_open_fds();
  std::vector<unique_fd> clients;
  {
    engine proxy{first_backend};
    auto front = listen_local(proxy);
    front->set_backends({local(echo.port())});
    for (int i = 0; i < 20; ++i) clients.push_back(connect_to(front->port()));
    EXPECT_TRUE(wait_until([&] { return echo.open_connections() == 20; }));
  }
  for (auto& client : clients) EXPECT_TRUE(sees_eof(client.get()));
  clients.clear();
  EXPECT_TRUE(wait_until([&] { return echo.open_connections() == 0; }));
  EXPECT_EQ(count_open_fds(), before);
}

TEST(ProxyEngineDescriptors, RestsInsteadOfSpinningWhenOutOfDescriptors) {
  test_server greeter(test_server::mode::echo, "hi\n");
  engine proxy{first_backend};
  auto front = listen_local(proxy);
  front->set_backends({local(greeter.port())});
  std::vector<unique_fd> clients;
  for (int i = 0; i < 5; ++i) clients.emplace_back(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  for (auto& client : clients) {
    timeval tv{std::chrono::duration_cast<std::chrono::seconds>(patience).count(), 0};
    ::setsockopt(client.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  double cpu_before = proxy_thread_cpu_seconds();

  // Use up every descriptor the process may have, then let clients arrive: accept() fails
  // with EMFILE and, level-triggered, would be reported again at once, forever.
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit tight = saved;
  tight.rlim_cur = std::min<rlim_t>(saved.rlim_cur, static_cast<rlim_t>(count_open_fds() + 64));
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
  std::vector<unique_fd> fillers;
  for (unique_fd fd(::dup(0)); fd; fd = unique_fd(::dup(0))) fillers.push_back(std::move(fd));
  sockaddr_in addr = loopback(front->port());
  int connected = 0;
  for (auto& client : clients)
    connected += ::connect(client.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  // Nothing to await here: the point is what the engine does *not* do meanwhile.
  std::this_thread::sleep_for(400ms);
  uint64_t accepted_while_exhausted = front->stats().accepted;
  fillers.clear();
  ::setrlimit(RLIMIT_NOFILE, &saved);

  EXPECT_EQ(connected, 5);
  EXPECT_EQ(accepted_while_exhausted, 0u);
  // Resting, the engine wakes a few times; spinning, it burns whatever CPU it is given.
  EXPECT_LT(proxy_thread_cpu_seconds() - cpu_before, 0.05) << "the engine spun on a failing accept";
  // With descriptors back, the waiting clients are served.
  for (auto& client : clients) EXPECT_EQ(read_line(client.get()), "hi");
  EXPECT_EQ(front->stats().accepted, 5u);
}

}  // namespace
}  // namespace orkest::netproxy
