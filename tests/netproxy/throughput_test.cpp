// Throughput through the proxy over loopback, for measuring rather than for checking; disabled
// by default. Run with:
//   orkest_netproxy_tests --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdio>

#include "netproxy/proxy_engine.hpp"
#include "test_support.hpp"

namespace orkest::netproxy {
namespace {

using namespace proxytest;

// Sends `bytes` zeroes to every client it accepts, one blocking thread per client.
class blaster {
 public:
  explicit blaster(uint64_t bytes) : bytes_(bytes), listen_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr = loopback(0);
    if (::bind(listen_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_.get(), 64) != 0)
      throw std::runtime_error("blaster: bind/listen");
    port_ = port_of(listen_.get());
  }
  uint16_t port() const { return port_; }

  // Accepts `count` clients and feeds each on its own thread.
  void serve(int count) {
    for (int i = 0; i < count; ++i) {
      int fd = ::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) throw std::runtime_error("blaster: accept");
      workers_.push_back(std::make_unique<joining_thread>([this, fd] {
        unique_fd conn(fd);
        std::string chunk(1 << 20, '\0');
        for (uint64_t left = bytes_; left > 0;) {
          ssize_t n = ::send(conn.get(), chunk.data(), std::min<uint64_t>(left, chunk.size()), MSG_NOSIGNAL);
          if (n <= 0) return;
          left -= static_cast<uint64_t>(n);
        }
      }));
    }
  }

 private:
  uint64_t bytes_;
  unique_fd listen_;
  uint16_t port_ = 0;
  std::vector<std::unique_ptr<joining_thread>> workers_;
};

double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Drains `clients` connections to `port` concurrently; prints MiB/s and process CPU seconds.
void measure(const char* label, uint16_t port, blaster& source, int clients, uint64_t bytes_each) {
  std::vector<unique_fd> sockets;
  for (int i = 0; i < clients; ++i) sockets.push_back(connect_to(port));
  auto started = clock::now();
  double cpu_before = cpu_seconds();
  double proxy_cpu_before = proxy_thread_cpu_seconds();
  source.serve(clients);
  std::vector<uint64_t> got(clients, 0);
  {
    std::vector<std::unique_ptr<joining_thread>> readers;
    for (int i = 0; i < clients; ++i) {
      readers.push_back(std::make_unique<joining_thread>([&, i] {
        std::vector<char> buf(1 << 20);
        for (;;) {
          ssize_t n = ::recv(sockets[i].get(), buf.data(), buf.size(), 0);
          if (n <= 0) return;
          got[i] += static_cast<uint64_t>(n);
        }
      }));
    }
  }
  double seconds = std::chrono::duration<double>(clock::now() - started).count();
  double cpu = cpu_seconds() - cpu_before;
  double proxy_cpu = proxy_thread_cpu_seconds() - proxy_cpu_before;
  uint64_t total = 0;
  for (int i = 0; i < clients; ++i) {
    EXPECT_EQ(got[i], bytes_each);
    total += got[i];
  }
  std::printf("%-20s %d x %4llu MiB: %5.0f MiB/s, %.2f s wall, %.2f s CPU in all, %.2f s in the proxy thread\n", label,
              clients, static_cast<unsigned long long>(bytes_each >> 20), total / 1048576.0 / seconds, seconds, cpu,
              proxy_cpu);
}

TEST(ProxyEngineThroughput, DISABLED_Loopback) {
  constexpr uint64_t gib = 1ull << 30;
  {
    blaster direct(gib);
    measure("direct", direct.port(), direct, 1, gib);
  }
  for (auto [clients, bytes] : {std::pair<int, uint64_t>{1, gib}, {8, gib / 4}}) {
    blaster source(bytes);
    engine proxy{first_backend};
    auto front = listen_local(proxy);
    front->set_backends({local(source.port())});
    measure("proxied", front->port(), source, clients, bytes);
  }
}

// Connection setup cost and round-trip latency: what short request/response traffic sees.
void measure_small(const char* label, uint16_t port) {
  constexpr int connections = 2000;
  auto started = clock::now();
  for (int i = 0; i < connections; ++i) {
    unique_fd client = connect_to(port);
    send_all(client.get(), "ping\n");
    EXPECT_EQ(read_line(client.get()), "ping");
  }
  double setup = std::chrono::duration<double>(clock::now() - started).count();

  constexpr int round_trips = 20000;
  unique_fd client = connect_to(port);
  started = clock::now();
  for (int i = 0; i < round_trips; ++i) {
    send_all(client.get(), "ping\n");
    read_line(client.get());
  }
  double rtt = std::chrono::duration<double>(clock::now() - started).count();
  std::printf("%-20s %6.0f connections/s (connect, 5-byte echo, close); %5.1f us per round trip\n", label,
              connections / setup, rtt / round_trips * 1e6);
}

TEST(ProxyEngineThroughput, DISABLED_SmallExchanges) {
  test_server echo(test_server::mode::echo);
  measure_small("direct", echo.port());
  engine proxy{first_backend};
  auto front = listen_local(proxy);
  front->set_backends({local(echo.port())});
  measure_small("proxied", front->port());
}

}  // namespace
}  // namespace orkest::netproxy
