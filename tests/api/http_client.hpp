#pragma once
// A deliberately small HTTP/1.1 client for tests over loopback: one request per connection,
// a Content-Length body out, the response read up to its Content-Length (or until the server
// closes). Every socket operation has a deadline, so a silent server fails a test instead of
// hanging it.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace orkest::testing {

struct http_reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::string header(const std::string& lower_case_name) const {
    auto it = headers.find(lower_case_name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

struct http_request_spec {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::string content_type = "application/json";  // sent only with a body
  std::vector<std::pair<std::string, std::string>> headers;
};

class http_client {
 public:
  explicit http_client(uint16_t port, std::chrono::milliseconds deadline = std::chrono::seconds(20))
      : port_(port), deadline_(deadline) {}

  http_reply send(const http_request_spec& request) const {
    socket_handle socket(connect_loopback());
    write_all(socket.fd, serialise(request));
    return read_response(socket.fd);
  }

  http_reply get(const std::string& target) const { return send({"GET", target, {}, {}, {}}); }
  http_reply del(const std::string& target) const { return send({"DELETE", target, {}, {}, {}}); }
  http_reply post(const std::string& target, const std::string& body,
                  const std::string& content_type = "application/json") const {
    return send({"POST", target, body, content_type, {}});
  }
  http_reply put(const std::string& target, const std::string& body,
                 const std::string& content_type = "application/json") const {
    return send({"PUT", target, body, content_type, {}});
  }
  http_reply patch(const std::string& target, const std::string& body, const std::string& content_type) const {
    return send({"PATCH", target, body, content_type, {}});
  }

 private:
  struct socket_handle {
    int fd;
    explicit socket_handle(int f) : fd(f) {}
    ~socket_handle() { ::close(fd); }
    socket_handle(const socket_handle&) = delete;
    socket_handle& operator=(const socket_handle&) = delete;
  };

  static std::runtime_error failure(const std::string& what) {
    return std::runtime_error("http_client: " + what + ": " + std::strerror(errno));
  }

  int connect_loopback() const {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw failure("socket");
    timeval timeout{};
    timeout.tv_sec = deadline_.count() / 1000;
    timeout.tv_usec = (deadline_.count() % 1000) * 1000;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      auto error = failure("connect to port " + std::to_string(port_));
      ::close(fd);
      throw error;
    }
    return fd;
  }

  static std::string serialise(const http_request_spec& request) {
    std::string text = request.method + " " + request.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto& [name, value] : request.headers) text += name + ": " + value + "\r\n";
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
      if (!request.content_type.empty()) text += "Content-Type: " + request.content_type + "\r\n";
      text += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
    }
    return text + "\r\n" + request.body;
  }

  static void write_all(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      auto n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw failure("send");
      sent += static_cast<std::size_t>(n);
    }
  }

  // Reads the head, then the body up to Content-Length, or everything until the server closes.
  static http_reply read_response(int fd) {
    std::string data;
    std::size_t head_end = std::string::npos;
    std::size_t expected_total = std::string::npos;
    http_reply reply;
    char buffer[16384];
    while (data.size() < expected_total) {
      auto n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw failure("recv (no complete response before the deadline)");
      if (n == 0) break;
      data.append(buffer, static_cast<std::size_t>(n));
      if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
        reply = parse_head(data.substr(0, head_end));
        auto length = reply.header("content-length");
        if (!length.empty()) expected_total = head_end + 4 + std::stoul(length);
      }
    }
    if (head_end == std::string::npos) throw std::runtime_error("http_client: incomplete response");
    reply.body = data.substr(head_end + 4);
    return reply;
  }

  static std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }

  static std::string trim(const std::string& text) {
    auto begin = text.find_first_not_of(" \t");
    auto end = text.find_last_not_of(" \t\r");
    return begin == std::string::npos ? std::string{} : text.substr(begin, end - begin + 1);
  }

  // The status line and the header fields.
  static http_reply parse_head(const std::string& head) {
    http_reply reply;
    auto status_line = head.substr(0, head.find("\r\n"));
    auto space = status_line.find(' ');
    if (status_line.rfind("HTTP/1.", 0) != 0 || space == std::string::npos)
      throw std::runtime_error("http_client: malformed status line: " + status_line);
    reply.status = std::stoi(status_line.substr(space + 1, 3));
    for (auto start = head.find("\r\n"); start != std::string::npos;) {
      start += 2;
      auto end = head.find("\r\n", start);
      auto line = head.substr(start, end == std::string::npos ? std::string::npos : end - start);
      auto colon = line.find(':');
      if (colon != std::string::npos) reply.headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
      start = end;
    }
    return reply;
  }

  uint16_t port_;
  std::chrono::milliseconds deadline_;
};

// Calls `probe` until it returns true or `limit` passes; true if it did. For state that
// converges on other threads (the real-threaded control plane), never a fixed sleep.
template <class Probe>
bool eventually(Probe probe, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    if (probe()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace orkest::testing
