#include "netproxy/proxy_engine.hpp"

#include <gtest/gtest.h>

#include <map>

#include "test_support.hpp"

namespace orkest::netproxy {
namespace {

using namespace proxytest;

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

TEST(ProxyEngine, SpreadsConnectionsRoundRobinAcrossThreeBackends) {
  test_server a(test_server::mode::echo, "a\n"), b(test_server::mode::echo, "b\n"), c(test_server::mode::echo, "c\n");
  engine proxy{first_backend};
  auto front = listen_local(proxy);
  front->set_backends({local(a.port()), local(b.port()), local(c.port())});

  std::map<std::string, int> hits;
  std::string previous;
  for (int i = 0; i < 30; ++i) {
    unique_fd client = connect_to(front->port());
    std::string id = read_line(client.get());
    EXPECT_NE(id, previous) << "connection " << i << " went to the same backend as the one before";
    previous = id;
    ++hits[id];
  }
  EXPECT_EQ(hits, (std::map<std::string, int>{{"a", 10}, {"b", 10}, {"c", 10}}));
  EXPECT_EQ(front->stats().accepted, 30u);
  EXPECT_EQ(front->stats().connect_failures, 0u);
}

// externalTrafficPolicy Local: a client that came to any address but the internal one (the
// cluster IP) reaches only this node's backends; loopback clients keep the proxy's address.
TEST(ProxyEngine, LocalTrafficPolicySendsOutsideClientsToLocalBackendsOnly) {
  test_server a(test_server::mode::echo, "a\n"), b(test_server::mode::echo, "b\n"), c(test_server::mode::echo, "c\n");
  engine proxy{first_backend};
  auto opened = proxy.listen("0.0.0.0", 0);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<listener>>(opened));
  auto front = std::move(std::get<std::unique_ptr<listener>>(opened));
  front->set_backends({local(a.port()), local(b.port()), local(c.port())});
  front->set_external_traffic_local(external_traffic_local{{local(c.port())}, "127.0.0.1", true, {}});
  const in_addr_t outside = INADDR_LOOPBACK + 1;  // 127.0.0.2: not the internal address

  std::map<std::string, int> inside_hits, outside_hits;
  for (int i = 0; i < 6; ++i) {
    ++inside_hits[read_line(connect_to(front->port()).get())];
    ++outside_hits[read_line(connect_to(front->port(), 0, outside).get())];
  }
  EXPECT_EQ(inside_hits, (std::map<std::string, int>{{"a", 2}, {"b", 2}, {"c", 2}}));
  EXPECT_EQ(outside_hits, (std::map<std::string, int>{{"c", 6}}));
  EXPECT_EQ(front->stats().client_address_kept, 0u);  // loopback clients: never

  // No pod on this node: outside clients are closed, inside ones still served.
  front->set_external_traffic_local(external_traffic_local{{}, "127.0.0.1", true, {}});
  unique_fd dropped = connect_to(front->port(), 0, outside);
  EXPECT_TRUE(sees_eof(dropped.get()));
  EXPECT_TRUE(wait_until([&] { return front->stats().no_backend == 1; }));
  EXPECT_FALSE(read_line(connect_to(front->port()).get()).empty());

  // Back to Cluster: everyone reaches every backend.
  front->set_external_traffic_local(std::nullopt);
  outside_hits.clear();
  for (int i = 0; i < 3; ++i) ++outside_hits[read_line(connect_to(front->port(), 0, outside).get())];
  EXPECT_EQ(outside_hits.size(), 3u);
}

TEST(ProxyEngine, SkipsADeadBackend) {
  dead_port dead1, dead2;
  test_server a(test_server::mode::echo, "a\n"), b(test_server::mode::echo, "b\n");
  engine proxy{first_backend};
  auto front = listen_local(proxy);
  front->set_backends({local(dead1.port()), local(a.port()), local(dead2.port()), local(b.port())});

  std::map<std::string, int> hits;
  for (int i = 0; i < 20; ++i) {
    unique_fd client = connect_to(front->port());
    ++hits[read_line(client.get())];
  }
  // Half the plans start at a dead backend and fall through to the live one after it.
  EXPECT_EQ(hits, (std::map<std::string, int>{{"a", 10}, {"b", 10}}));
  EXPECT_EQ(front->stats().connect_failures, 10u);
  EXPECT_EQ(front->stats().no_backend, 0u);
}

TEST(ProxyEngine, ClosesTheClientWhenNoBackendCanBeReached) {
  dead_port dead1, dead2;
  engine proxy{first_backend};
  auto front = listen_local(proxy);
  front->set_backends({local(dead1.port()), local(dead2.port())});
  unique_fd client = connect_to(front->port());
  EXPECT_TRUE(sees_eof(client.get()));
  EXPECT_TRUE(wait_until([&] { return front->stats().no_backend == 1; }));
  EXPECT_EQ(front->stats().connect_failures, 2u);  // each backend tried exactly once
  EXPECT_TRUE(wait_until([&] { return front->stats().active == 0; }));

  auto empty = listen_local(proxy);  // no backends at all
  unique_fd other = connect_to(empty->port());
  EXPECT_TRUE(sees_eof(other.get()));
  EXPECT_TRUE(wait_until([&] { return empty->stats().no_backend == 1; }));
}

// Tests with a backend whose connects neither succeed nor fail (a pod that died without a trace).
class ProxyEngineWithAStalledBackend : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(blackhole.stalls()) << "the accept queue is not full; the test cannot stall a connect";
  }
  stalled_port blackhole;
};

TEST_F(ProxyEngineWithAStalledBackend, GivesUpOnItAfterTheConnectTimeout) {
  test_server a(test_server::mode::echo, "a\n");
  engine proxy{first_backend};
  auto front = listen_local(proxy);
  front->set_backends({local(blackhole.port()), local(a.port())});

  auto started = clock::now();
  unique_fd client = connect_to(front->port());
  EXPECT_EQ(read_line(client.get()), "a");
  auto waited = clock::now() - started;
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 5s);
  EXPECT_EQ(front->stats().connect_failures, 1u);
}

TEST_F(ProxyEngineWithAStalledBackend, ARetryGoesToTheCurrentBackendsNotToOnesRemovedMeanwhile) {
  // The client's first connect stalls; while it does, the set changes (b's pod died, c's
  // arrived). After the timeout the client must reach c, not the removed b.
  test_server b(test_server::mode::echo, "b\n"), c(test_server::mode::echo, "c\n");
  engine proxy{first_backend};
  auto front = listen_local(proxy);
  front->set_backends({local(blackhole.port()), local(b.port())});

  unique_fd client = connect_to(front->port());
  ASSERT_TRUE(wait_until([&] { return front->stats().accepted == 1; }));
  front->set_backends({local(blackhole.port()), local(c.port())});
  EXPECT_EQ(read_line(client.get()), "c");
  EXPECT_EQ(front->stats().connect_failures, 1u);
}

TEST_F(ProxyEngineWithAStalledBackend, AConnectToItMovesOnAtOnceWhenItLeavesTheSet) {
  // A pod that dies while a client is connecting to it: once its address leaves the set, the
  // client goes to a remaining backend without waiting for the 1 s connect timeout.
  test_server b(test_server::mode::echo, "b\n");
  engine proxy{first_backend};
  auto front = listen_local(proxy);
  front->set_backends({local(blackhole.port())});

  unique_fd client = connect_to(front->port());
  ASSERT_TRUE(wait_until([&] { return front->stats().accepted == 1; }));
  auto removed = clock::now();
  front->set_backends({local(b.port())});
  EXPECT_EQ(read_line(client.get()), "b");
  EXPECT_LT(clock::now() - removed, 500ms) << "the client waited for the connect timeout";
}

TEST(ProxyEngine, SwappingBackendsKeepsEstablishedConnectionsAndRoutesNewOnes) {
  test_server a(test_server::mode::echo, "a\n"), b(test_server::mode::echo, "b\n");
  engine proxy{first_backend};
  auto front = listen_local(proxy);
  front->set_backends({local(a.port())});

  std::vector<unique_fd> established;
  for (int i = 0; i < 10; ++i) {
    established.push_back(connect_to(front->port()));
    ASSERT_EQ(read_line(established.back().get()), "a");
  }

  // Round trips on the established connections all through the swaps below.
  std::atomic<bool> stop{false};
  std::atomic<int> round_trips{0}, wrong{0};
  joining_thread load([&] {
    for (unsigned n = 0; !stop; ++n) {
      for (std::size_t i = 0; i < established.size(); ++i) {
        std::string message = pattern(4096, n + static_cast<unsigned>(i));
        bool ok =
            send_all(established[i].get(), message) && read_exactly(established[i].get(), message.size()) == message;
        ++(ok ? round_trips : wrong);
        if (!ok) return;
      }
    }
  });
  auto more_round_trips = [&](int count) {
    int target = round_trips + count;
    return wait_until([&] { return round_trips >= target || wrong > 0; }) && wrong == 0;
  };
  EXPECT_TRUE(more_round_trips(50));

  front->set_backends({local(b.port())});
  for (int i = 0; i < 5; ++i) {
    unique_fd client = connect_to(front->port());
    EXPECT_EQ(read_line(client.get()), "b");
  }
  EXPECT_TRUE(more_round_trips(50));

  front->set_backends({});  // new clients are turned away; established ones carry on
  unique_fd refused = connect_to(front->port());
  EXPECT_TRUE(sees_eof(refused.get()));
  EXPECT_TRUE(more_round_trips(50));

  front->set_backends({local(a.port()), local(b.port())});
  std::map<std::string, int> hits;
  for (int i = 0; i < 4; ++i) {
    unique_fd client = connect_to(front->port());
    ++hits[read_line(client.get())];
  }
  EXPECT_EQ(hits, (std::map<std::string, int>{{"a", 2}, {"b", 2}}));
  EXPECT_TRUE(more_round_trips(50));

  stop = true;
  load.join();
  EXPECT_EQ(wrong, 0);
  // Every established connection still ends cleanly: FIN through, echo server's FIN back.
  for (auto& fd : established) {
    ::shutdown(fd.get(), SHUT_WR);
    EXPECT_TRUE(sees_eof(fd.get()));
  }
  EXPECT_EQ(front->stats().connect_failures, 0u);
  EXPECT_EQ(front->stats().no_backend, 1u);
  EXPECT_TRUE(wait_until([&] { return front->stats().active == 0; }));
}

TEST(ProxyEngine, CarriesManyConcurrentConnectionsAndLargePayloads) {
  raise_fd_limit();
  test_server echo(test_server::mode::echo);
  engine proxy{first_backend};
  auto front = listen_local(proxy);
  front->set_backends({local(echo.port())});

  std::vector<unique_fd> sockets;
  std::vector<std::string> payloads;
  for (unsigned i = 0; i < 200; ++i) payloads.push_back(pattern(16 * 1024 + i, i));
  for (unsigned i = 0; i < 4; ++i) payloads.push_back(pattern(4 * 1024 * 1024, 1000 + i));  // copied, then spliced
  for (std::size_t i = 0; i < payloads.size(); ++i) sockets.push_back(connect_to(front->port()));
  // All of them open at once, end to end, before any byte flows.
  EXPECT_TRUE(wait_until([&] { return echo.open_connections() == payloads.size(); }));
  EXPECT_EQ(front->stats().active, payloads.size());

  std::vector<std::string> received = exchange_all(sockets, payloads);
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    EXPECT_EQ(received[i].size(), payloads[i].size()) << "connection " << i;
    EXPECT_TRUE(received[i] == payloads[i]) << "connection " << i << " got different bytes";
  }
  EXPECT_TRUE(wait_until([&] { return front->stats().active == 0; }));
  EXPECT_EQ(front->stats().accepted, payloads.size());
}

TEST(ProxyEngine, ClientHalfCloseStillReceivesTheWholeReply) {
  test_server server(test_server::mode::echo_after_eof);  // replies only after the client's FIN
  engine proxy{first_backend};
  auto front = listen_local(proxy);
  front->set_backends({local(server.port())});

  std::vector<unique_fd> sockets;
  sockets.push_back(connect_to(front->port()));
  std::string payload = pattern(4 * 1024 * 1024, 7);
  std::vector<std::string> received = exchange_all(sockets, {payload});  // shutdown(SHUT_WR) after sending
  EXPECT_EQ(received[0].size(), payload.size());
  EXPECT_TRUE(received[0] == payload);
  EXPECT_TRUE(wait_until([&] { return front->stats().active == 0; }));
}

TEST(ProxyEngine, BackendHalfCloseLetsTheClientKeepSending) {
  test_server server(test_server::mode::greet_then_fin, "hello\n");  // FIN right after the greeting
  engine proxy{first_backend};
  auto front = listen_local(proxy);
  front->set_backends({local(server.port())});

  unique_fd client = connect_to(front->port());
  EXPECT_EQ(read_line(client.get()), "hello");
  EXPECT_TRUE(sees_eof(client.get()));  // the backend's FIN came through as a FIN
  std::string payload = pattern(256 * 1024, 3);
  EXPECT_TRUE(send_all(client.get(), payload));  // the other direction still flows
  ::shutdown(client.get(), SHUT_WR);
  EXPECT_TRUE(wait_until([&] { return server.bytes_received() == payload.size(); }));
  EXPECT_TRUE(wait_until([&] { return front->stats().active == 0; }));
  EXPECT_TRUE(wait_until([&] { return server.open_connections() == 0; }));
}

TEST(ProxyEngine, ASlowClientPushesBackOnTheBackend) {
  constexpr std::size_t total = 64 * 1024 * 1024;
  test_server::options source;
  source.behaviour = test_server::mode::source;
  source.source_bytes = total;
  source.sndbuf = 64 * 1024;
  test_server server(source);
  engine proxy{first_backend};
  auto front = listen_local(proxy);
  front->set_backends({local(server.port())});

  unique_fd client = connect_to(front->port(), 64 * 1024);
  // Nobody reads: the backend must come to a standstill with most of its data unsent,
  // because the proxy stops reading once the client's socket is full.
  uint64_t last = 0;
  auto still_since = clock::now();
  bool stalled = wait_until([&] {
    uint64_t now_sent = server.bytes_sent();
    if (now_sent != last) {
      last = now_sent;
      still_since = clock::now();
    }
    return now_sent > 0 && clock::now() - still_since > 200ms;
  });
  EXPECT_TRUE(stalled);
  EXPECT_LT(server.bytes_sent(), total / 2) << "the proxy buffered instead of pushing back";

  std::string received = read_to_eof(client.get());
  EXPECT_EQ(received.size(), total);
  EXPECT_TRUE(received == pattern(total));
}

TEST(ProxyEngine, AClientVanishingMidTransferEndsOnlyItsOwnConnection) {
  // Large enough that the proxy is splicing when the client resets: the failed write must end
  // that one connection (and its backend side) and nothing else.
  test_server::options source;
  source.behaviour = test_server::mode::source;
  source.source_bytes = 32 * 1024 * 1024;
  test_server server(source);
  test_server echo(test_server::mode::echo, "echo\n");
  engine proxy{first_backend};
  auto front = listen_local(proxy);
  front->set_backends({local(server.port())});

  {
    unique_fd client = connect_to(front->port());
    std::string start = read_exactly(client.get(), 4 * 1024 * 1024);
    EXPECT_TRUE(start == pattern(32 * 1024 * 1024).substr(0, start.size()));
    linger hard{1, 0};
    ::setsockopt(client.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  }  // reset with the proxy still writing
  EXPECT_TRUE(wait_until([&] { return front->stats().active == 0; }));
  EXPECT_TRUE(wait_until([&] { return server.open_connections() == 0; }));

  front->set_backends({local(echo.port())});
  unique_fd next = connect_to(front->port());
  EXPECT_EQ(read_line(next.get()), "echo");
}

TEST(ProxyEngine, DestroyingAListenerFreesThePortAtOnceAndKeepsItsConnections) {
  engine proxy{first_backend};
  {
    auto idle = listen_local(proxy);
    uint16_t port = idle->port();
    idle.reset();
    // Not even SO_REUSEADDR: the port must be entirely free.
    unique_fd again(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr = loopback(port);
    EXPECT_EQ(::bind(again.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
    EXPECT_EQ(::listen(again.get(), 1), 0);
  }

  test_server echo(test_server::mode::echo);
  auto front = listen_local(proxy);
  front->set_backends({local(echo.port())});
  uint16_t port = front->port();
  unique_fd client = connect_to(port);
  ASSERT_TRUE(send_all(client.get(), "before\n"));
  EXPECT_EQ(read_line(client.get()), "before");
  front.reset();

  unique_fd late(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr = loopback(port);
  EXPECT_NE(::connect(late.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << "still listening";
  EXPECT_EQ(errno, ECONNREFUSED);

  ASSERT_TRUE(send_all(client.get(), "after\n"));  // the established connection carries on
  EXPECT_EQ(read_line(client.get()), "after");

  auto rebound = proxy.listen("127.0.0.1", port);
  EXPECT_TRUE(std::holds_alternative<std::unique_ptr<listener>>(rebound)) << std::get<std::string>(rebound);
}

// Every proxied connection holds descriptors the API and podman's pipes share: one Service
// must not take them all.
TEST(ProxyEngine, ClientsPastTheListenersCapAreClosedAtOnce) {
  test_server a(test_server::mode::echo, "a\n");
  engine proxy{first_backend};
  auto opened = proxy.listen("127.0.0.1", 0, 3);
  ASSERT_TRUE(std::holds_alternative<std::unique_ptr<listener>>(opened));
  auto& front = std::get<std::unique_ptr<listener>>(opened);
  front->set_backends({local(a.port())});
  std::vector<unique_fd> served;
  for (int i = 0; i < 3; ++i) {
    served.push_back(connect_to(front->port()));
    EXPECT_EQ(read_line(served.back().get()), "a");
  }
  unique_fd refused = connect_to(front->port());
  EXPECT_TRUE(sees_eof(refused.get()));
  EXPECT_EQ(front->stats().over_limit, 1u);
  served.pop_back();  // one leaves: the next client is served again
  EXPECT_TRUE(wait_until([&] { return front->stats().active == 2; }));
  unique_fd again = connect_to(front->port());
  EXPECT_EQ(read_line(again.get()), "a");
}

TEST(ProxyEngine, ReportsAPortInUseWithTheAddress) {
  unique_fd taken(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr = loopback(0);
  ASSERT_EQ(::bind(taken.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(taken.get(), 1), 0);
  uint16_t port = port_of(taken.get());

  engine proxy{first_backend};
  auto result = proxy.listen("127.0.0.1", port);
  ASSERT_TRUE(std::holds_alternative<std::string>(result));
  EXPECT_TRUE(contains(std::get<std::string>(result), "127.0.0.1:" + std::to_string(port)));
  EXPECT_TRUE(contains(std::get<std::string>(result), "Address already in use"));

  auto first = listen_local(proxy);  // and against the engine's own listener
  auto second = proxy.listen("127.0.0.1", first->port());
  ASSERT_TRUE(std::holds_alternative<std::string>(second));
  EXPECT_TRUE(contains(std::get<std::string>(second), "Address already in use"));
}

TEST(ProxyEngine, RejectsAnAddressThatIsNotIPv4) {
  engine proxy{first_backend};
  auto result = proxy.listen("localhost", 0);
  ASSERT_TRUE(std::holds_alternative<std::string>(result));
  EXPECT_TRUE(contains(std::get<std::string>(result), "localhost:0"));
}

TEST(ProxyEngine, DestroyingTheEngineClosesConnectionsAndListeners) {
  test_server echo(test_server::mode::echo);
  std::unique_ptr<listener> front;  // outlives the engine on purpose
  unique_fd client;
  uint16_t port = 0;
  {
    engine proxy{first_backend};
    front = listen_local(proxy);
    port = front->port();
    front->set_backends({local(echo.port())});
    client = connect_to(port);
    ASSERT_TRUE(send_all(client.get(), "ping\n"));
    EXPECT_EQ(read_line(client.get()), "ping");
  }
  EXPECT_TRUE(sees_eof(client.get()));
  EXPECT_TRUE(wait_until([&] { return echo.open_connections() == 0; }));
  EXPECT_EQ(front->stats().accepted, 1u);
  EXPECT_EQ(front->stats().active, 0u);
  front->set_backends({});  // harmless without an engine

  unique_fd again(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  int one = 1;
  ::setsockopt(again.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr = loopback(port);
  EXPECT_EQ(::bind(again.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
  EXPECT_EQ(::listen(again.get(), 1), 0);
  front.reset();
}

}  // namespace
}  // namespace orkest::netproxy
