// The real prober against loopback listeners: answers, refusals, silence, and many at once.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "probe/network_prober.hpp"

namespace orkest::probe {
namespace {

// A loopback listener on a free port; with `answer` set, a thread answers every connection
// with it after reading the request; without, connections are left unanswered.
class listener {
 public:
  explicit listener(std::string answer = {}) : answer_(std::move(answer)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 1024), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    if (!answer_.empty()) thread_ = std::thread([this] { serve(); });
  }
  ~listener() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (thread_.joinable()) thread_.join();
  }
  uint16_t port() const { return port_; }
  std::string last_request() {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_request_;
  }

 private:
  void serve() {
    for (;;) {
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      char buffer[4096];
      ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
      if (got > 0) {
        std::lock_guard<std::mutex> lock(mutex_);
        last_request_.assign(buffer, static_cast<std::size_t>(got));
      }
      [[maybe_unused]] auto sent = ::send(client, answer_.data(), answer_.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  }
  std::string answer_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::string last_request_;
};

// A port nothing listens on: bound and closed again.
uint16_t closed_port() {
  listener gone;
  return gone.port();
}

probe_outcome run(network_prober& prober, network_check check) {
  std::promise<probe_outcome> outcome;
  auto result = outcome.get_future();
  prober.check(std::move(check), [&outcome](const probe_outcome& o) { outcome.set_value(o); });
  EXPECT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  return result.get();
}

network_check http(uint16_t port, std::string path = "/health") {
  network_check check;
  check.type = network_check::kind::http;
  check.ip = "127.0.0.1";
  check.port = port;
  check.path = std::move(path);
  return check;
}

network_check tcp(uint16_t port) {
  network_check check;
  check.ip = "127.0.0.1";
  check.port = port;
  return check;
}

TEST(SocketProber, HttpSucceedsOn2xxAnd3xxAndSendsTheKubeletsRequest) {
  auto prober = make_socket_prober();
  listener ok("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  auto check = http(ok.port());
  check.headers = {{"X-Probe", "yes"}};
  auto outcome = run(*prober, check);
  EXPECT_TRUE(outcome.success) << outcome.output;
  const auto request = ok.last_request();
  EXPECT_EQ(request.rfind("GET /health HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("User-Agent: kube-probe/"), std::string::npos);
  EXPECT_NE(request.find("X-Probe: yes\r\n"), std::string::npos);
  listener moved("HTTP/1.0 302 Found\r\n\r\n");
  EXPECT_TRUE(run(*prober, http(moved.port())).success);
}

TEST(SocketProber, HttpFailsOnAnErrorStatusNamingIt) {
  auto prober = make_socket_prober();
  listener failing("HTTP/1.0 500 Internal Server Error\r\n\r\n{}");
  auto outcome = run(*prober, http(failing.port()));
  EXPECT_FALSE(outcome.success);
  EXPECT_EQ(outcome.output, "HTTP probe failed with statuscode: 500");
}

TEST(SocketProber, RefusedConnectionsFailInTheKubeletsWords) {
  auto prober = make_socket_prober();
  const auto port = closed_port();
  auto outcome = run(*prober, tcp(port));
  EXPECT_FALSE(outcome.success);
  EXPECT_EQ(outcome.output, "dial tcp 127.0.0.1:" + std::to_string(port) + ": connect: connection refused");
  outcome = run(*prober, http(port));
  EXPECT_EQ(outcome.output, "Get \"http://127.0.0.1:" + std::to_string(port) +
                                "/health\": dial tcp 127.0.0.1:" + std::to_string(port) + ": connect: connection refused");
}

TEST(SocketProber, TcpSucceedsOnceConnected) {
  auto prober = make_socket_prober();
  listener silent;  // the kernel completes the handshake; nobody ever answers
  EXPECT_TRUE(run(*prober, tcp(silent.port())).success);
}

TEST(SocketProber, AnUnansweredHttpProbeTimesOut) {
  auto prober = make_socket_prober();
  listener silent;
  auto check = http(silent.port());
  check.timeout = std::chrono::milliseconds(200);
  auto outcome = run(*prober, check);
  EXPECT_FALSE(outcome.success);
  EXPECT_NE(outcome.output.find("context deadline exceeded"), std::string::npos) << outcome.output;
}

TEST(SocketProber, ManyProbesAtOnceEachGetTheirAnswer) {
  auto prober = make_socket_prober();
  listener ok("HTTP/1.1 204 No Content\r\n\r\n");
  const auto refused = closed_port();
  constexpr int count = 200;
  std::atomic<int> succeeded{0}, failed{0}, done{0};
  std::promise<void> all;
  std::mutex mutex;
  std::set<std::string> failures;
  for (int i = 0; i < count; ++i)
    prober->check(i % 2 ? tcp(refused) : http(ok.port()), [&](const probe_outcome& outcome) {
      (outcome.success ? succeeded : failed)++;
      if (!outcome.success) {
        std::lock_guard<std::mutex> lock(mutex);
        failures.insert(outcome.output);
      }
      if (++done == count) all.set_value();
    });
  ASSERT_EQ(all.get_future().wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_EQ(succeeded.load(), count / 2);
  EXPECT_EQ(failed.load(), count / 2);
  EXPECT_EQ(failures.size(), 1u);  // each refused, none timed out
}

TEST(SocketProber, AScheduleChecksEveryPeriodUntilStopped) {
  auto prober = make_socket_prober();
  listener ok("HTTP/1.1 200 OK\r\n\r\n");
  std::mutex mutex;
  std::condition_variable changed;
  int results = 0;
  auto id = prober->start(http(ok.port()), std::chrono::milliseconds(0), std::chrono::milliseconds(50),
                          [&](const probe_outcome& outcome) {
                            EXPECT_TRUE(outcome.success) << outcome.output;
                            std::lock_guard<std::mutex> lock(mutex);
                            ++results;
                            changed.notify_all();
                          });
  {
    std::unique_lock<std::mutex> lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return results >= 4; }));
  }
  prober->stop(id);
  // A stop is taken up by the prober's thread; a one-off check submitted after it is answered
  // after it, so once that answer is in, no result of the schedule can follow.
  run(*prober, tcp(ok.port()));
  int after_stop;
  {
    std::lock_guard<std::mutex> lock(mutex);
    after_stop = results;
  }
  run(*prober, tcp(ok.port()));
  run(*prober, tcp(ok.port()));
  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_EQ(results, after_stop);
}

TEST(SocketProber, AScheduledCheckStillOutSkipsTheNextBeat) {
  auto prober = make_socket_prober();
  listener silent;
  std::atomic<int> results{0};
  auto check = http(silent.port());
  check.timeout = std::chrono::milliseconds(300);
  std::promise<void> first;
  auto id = prober->start(check, std::chrono::milliseconds(0), std::chrono::milliseconds(50),
                          [&](const probe_outcome& outcome) {
                            EXPECT_FALSE(outcome.success);
                            if (++results == 1) first.set_value();
                          });
  ASSERT_EQ(first.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  prober->stop(id);
  run(*prober, tcp(silent.port()));  // the stop has been taken up
  // One check at a time: six beats passed during the first 300 ms timeout, none overlapped it.
  EXPECT_EQ(results.load(), 1);
}

TEST(SocketProber, DestroyingTheProberWithProbesInFlightEndsCleanly) {
  listener silent;
  std::atomic<int> calls{0};
  {
    auto prober = make_socket_prober();
    auto check = http(silent.port());
    check.timeout = std::chrono::seconds(30);
    for (int i = 0; i < 5; ++i) prober->check(check, [&](const probe_outcome&) { ++calls; });
  }
  EXPECT_EQ(calls.load(), 0);
}

}  // namespace
}  // namespace orkest::probe
