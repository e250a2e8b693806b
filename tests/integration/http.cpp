#include "http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace orkest::itest {

namespace {

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t");
  auto end = text.find_last_not_of(" \t\r");
  return begin == std::string::npos ? std::string{} : text.substr(begin, end - begin + 1);
}

struct socket_handle {
  int fd = -1;
  ~socket_handle() {
    if (fd >= 0) ::close(fd);
  }
};

std::string os_error(const std::string& what) { return what + ": " + std::strerror(errno); }

bool parse_head(const std::string& head, http_reply& reply) {
  auto status_line = head.substr(0, head.find("\r\n"));
  auto space = status_line.find(' ');
  if (status_line.rfind("HTTP/1.", 0) != 0 || space == std::string::npos || status_line.size() < space + 4) {
    reply.error = "malformed status line: " + status_line;
    return false;
  }
  reply.status = std::atoi(status_line.substr(space + 1, 3).c_str());
  for (auto start = head.find("\r\n"); start != std::string::npos;) {
    start += 2;
    auto end = head.find("\r\n", start);
    auto line = head.substr(start, end == std::string::npos ? std::string::npos : end - start);
    auto colon = line.find(':');
    if (colon != std::string::npos) reply.headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
    start = end;
  }
  return true;
}

}  // namespace

nlohmann::json http_reply::json() const {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  return parsed.is_discarded() ? nlohmann::json() : parsed;
}

std::string http_reply::header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? std::string{} : it->second;
}

std::string http_reply::describe() const {
  if (status == 0) return "no answer: " + error;
  return "status " + std::to_string(status) + ": " + body;
}

http_reply http_client::request(const std::string& method, const std::string& target, const std::string& body,
                                const std::string& content_type) const {
  http_reply reply;
  socket_handle socket;
  socket.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (socket.fd < 0) {
    reply.error = os_error("socket");
    return reply;
  }
  timeval timeout{};
  timeout.tv_sec = deadline_.count() / 1000;
  timeout.tv_usec = (deadline_.count() % 1000) * 1000;
  ::setsockopt(socket.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(socket.fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port_);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(socket.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    reply.error = os_error("connect to 127.0.0.1:" + std::to_string(port_));
    return reply;
  }

  std::string text = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                     "\r\nAccept: application/json\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    if (!content_type.empty()) text += "Content-Type: " + content_type + "\r\n";
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  text += "\r\n" + body;
  for (std::size_t sent = 0; sent < text.size();) {
    auto n = ::send(socket.fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      reply.error = os_error("send");
      return reply;
    }
    sent += static_cast<std::size_t>(n);
  }

  std::string data;
  std::size_t head_end = std::string::npos;
  std::size_t expected_total = std::string::npos;
  char buffer[16384];
  while (data.size() < expected_total) {
    auto n = ::recv(socket.fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      reply.status = 0;
      reply.error = os_error("recv (no complete response before the deadline)");
      return reply;
    }
    if (n == 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
    if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
      if (!parse_head(data.substr(0, head_end), reply)) return reply;
      auto length = reply.header("content-length");
      if (!length.empty()) expected_total = head_end + 4 + std::strtoul(length.c_str(), nullptr, 10);
    }
  }
  if (head_end == std::string::npos) {
    reply.status = 0;
    reply.error = "connection closed before a complete response head";
    return reply;
  }
  reply.body = data.substr(head_end + 4);
  return reply;
}

}  // namespace orkest::itest
