#include "api/connection_guard.hpp"

#include <pistache/peer.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <mutex>
#include <string>
#include <unordered_map>

#include "model/api_error.hpp"
#include "api/request_head_meter.hpp"

namespace orkest::api {

using namespace model;  // the HTTP layer speaks the resource model's language

using namespace Pistache;
using clock = std::chrono::steady_clock;

namespace {

// Tcp::Handler keeps associateTransport private for its friend Transport, which only ever
// associates the handler it was given: the wrapped handler needs the same transport to answer.
// An explicit template instantiation may name a private member (the standard exempts it from
// access checks); the function is not virtual, so calling it through the pointer is direct.
struct associate_member {
  using type = void (Tcp::Handler::*)(Tcp::Transport*);
  friend type associate_of(associate_member);
};

template <typename Tag, typename Tag::type Member>
struct expose {
  friend typename Tag::type associate_of(Tag) { return Member; }
};

template struct expose<associate_member, &Tcp::Handler::associateTransport>;

constexpr const char* state_key = "orkest.connection";
// What chunked framing (sizes and line ends) may add to a body at its limit.
constexpr std::size_t body_framing_allowance = 64 * 1024;

int64_t now_ticks() { return clock::now().time_since_epoch().count(); }

// One connection. `head` belongs to the connection's own thread; the rest is read by whichever
// thread closes idle connections.
struct connection_state {
  connection_state(std::size_t max_head_bytes, std::size_t max_body_bytes) : head(max_head_bytes, max_body_bytes) {}
  request_head_meter head;
  std::atomic<int64_t> last_activity{now_ticks()};
  std::atomic<bool> mid_request{false};  // part of a request arrived, not yet answered
  std::atomic<bool> closing{false};      // refused or idle: later bytes are dropped
  std::atomic<int64_t> closing_since{0};  // when a refusal began its lingering close
};

// How long a refused connection goes on reading (and dropping) what its client still sends:
// closing a socket with unread data makes the kernel send a reset, which destroys the refusal
// before a client still sending its body could read it.
constexpr auto linger = std::chrono::seconds(5);

std::shared_ptr<connection_state> state_of(const std::shared_ptr<Tcp::Peer>& peer) {
  return std::static_pointer_cast<connection_state>(peer->tryGetData(state_key));
}

// Answers with a Status and ends the connection, without Pistache's parser: the head that
// caused this is exactly what must not be parsed. The answer is followed by the end of the
// stream, and what the client still sends is read and dropped until it closes (or `linger`
// passes). Over TLS the bytes would need the session, so the connection is only closed.
void refuse(const std::shared_ptr<Tcp::Peer>& peer, connection_state& state, const api_error& error) {
  state.closing = true;
  state.closing_since = now_ticks();
  if (!peer->ssl()) {
    const std::string body = to_status_json(error).dump();
    const std::string response = "HTTP/1.1 " + std::to_string(error.code) + " " +
                                 Http::codeString(static_cast<Http::Code>(error.code)) +
                                 "\r\nContent-Type: application/json\r\nContent-Length: " +
                                 std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    // A small answer fits the socket's buffer; a client not reading it loses it, nothing blocks.
    [[maybe_unused]] auto sent = ::send(peer->fd(), response.data(), response.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::shutdown(peer->fd(), SHUT_WR);
    return;
  }
  // The transport sees the end of the stream and removes the connection as any other.
  ::shutdown(peer->fd(), SHUT_RDWR);
}

api_error error_with(int code, const std::string& reason, const std::string& message) {
  api_error error;
  error.code = code;
  error.reason = reason;
  error.message = message;
  return error;
}

}  // namespace

class connection_guard::connection_table {
 public:
  connection_table(connection_limits limits, std::function<bool(const void*)> busy)
      : limits_(limits), busy_(std::move(busy)) {}

  // False when the connection is over the cap (it is in the table all the same, until it goes).
  bool add(const std::shared_ptr<Tcp::Peer>& peer, std::shared_ptr<connection_state> state) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_[peer.get()] = {peer, std::move(state)};
    return entries_.size() <= limits_.max_connections;
  }

  // Called on the connection's own thread before Pistache closes its descriptor.
  void remove(const Tcp::Peer* peer) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.erase(peer);
  }

  // At most once a second, from whichever thread is active: Pistache gives handlers no timer.
  // A connection between requests with no response streaming counts as idle.
  void close_idle() {
    const int64_t now = now_ticks();
    std::lock_guard<std::mutex> lock(mutex_);
    if (now - last_sweep_ < clock::duration(std::chrono::seconds(1)).count()) return;
    last_sweep_ = now;
    const int64_t idle_limit = std::chrono::duration_cast<clock::duration>(limits_.idle_timeout).count();
    const int64_t linger_limit = std::chrono::duration_cast<clock::duration>(linger).count();
    for (const auto& [key, entry] : entries_) {
      auto& state = *entry.state;
      if (state.closing) {
        // A refused connection whose client goes on sending past the linger time.
        const int64_t since = state.closing_since;
        if (since != 0 && now - since >= linger_limit) {
          state.closing_since = 0;
          if (auto peer = entry.peer.lock()) ::shutdown(peer->fd(), SHUT_RDWR);
        }
        continue;
      }
      if (state.mid_request || now - state.last_activity < idle_limit || busy_(key)) continue;
      auto peer = entry.peer.lock();
      if (!peer) continue;
      state.closing = true;
      spdlog::debug("API: closing a connection from {} idle for {} s", peer->address().host(),
                    std::chrono::duration_cast<std::chrono::seconds>(clock::duration(now - state.last_activity))
                        .count());
      // Still in the table, so its thread has not closed the descriptor: this is that connection.
      ::shutdown(peer->fd(), SHUT_RDWR);
    }
  }

 private:
  struct entry {
    std::weak_ptr<Tcp::Peer> peer;
    std::shared_ptr<connection_state> state;
  };
  connection_limits limits_;
  std::function<bool(const void*)> busy_;
  std::mutex mutex_;
  std::unordered_map<const Tcp::Peer*, entry> entries_;
  int64_t last_sweep_ = 0;
};

connection_guard::connection_guard(std::shared_ptr<Http::Handler> inner, connection_limits limits,
                                   std::function<bool(const void*)> busy)
    : inner_(std::move(inner)),
      limits_(limits),
      connections_(std::make_shared<connection_table>(limits, std::move(busy))) {}

connection_guard::connection_guard(const connection_guard& prototype)
    : Http::Handler(prototype),
      inner_(std::static_pointer_cast<Http::Handler>(prototype.inner_->clone())),
      limits_(prototype.limits_),
      connections_(prototype.connections_) {}

void connection_guard::request_received(const std::shared_ptr<Tcp::Peer>& peer) {
  if (!peer) return;
  if (auto state = state_of(peer)) {
    state->head.next_request();
    state->mid_request = false;
    state->last_activity = now_ticks();
  }
}

void connection_guard::onConnection(const std::shared_ptr<Tcp::Peer>& peer) {
  // The wrapped handler answers on this thread's transport with this handler's sizes.
  (inner_.get()->*associate_of(associate_member{}))(transport());
  inner_->setMaxRequestSize(getMaxRequestSize());
  inner_->setMaxResponseSize(getMaxResponseSize());
  // Every connection gets a parser, refused or not: the transport's timeout check reads it.
  static_cast<Tcp::Handler&>(*inner_).onConnection(peer);
  auto state = std::make_shared<connection_state>(
      limits_.max_head_bytes, limits_.max_body_bytes ? limits_.max_body_bytes + body_framing_allowance : 0);
  peer->putData(state_key, state);
  connections_->close_idle();
  if (!connections_->add(peer, state)) {
    spdlog::warn("API: connection from {} refused: {} connections are open (the most api.maxConnections allows)",
                 peer->address().host(), limits_.max_connections);
    refuse(peer, *state, error_with(503, "ServiceUnavailable",
                            "too many open connections (" + std::to_string(limits_.max_connections) +
                                "): try again later"));
  }
}

void connection_guard::onInput(const char* buffer, size_t length, const std::shared_ptr<Tcp::Peer>& peer) {
  auto state = state_of(peer);
  if (!state || state->closing) return;
  state->last_activity = now_ticks();
  connections_->close_idle();
  const auto verdict = state->head.feed(buffer, length);
  state->mid_request = state->head.started();
  switch (verdict) {
    case request_head_meter::verdict::ok:
      static_cast<Tcp::Handler&>(*inner_).onInput(buffer, length, peer);
      return;
    case request_head_meter::verdict::uri_too_long:
      refuse(peer, *state, error_with(414, "RequestURITooLong",
                              "the request line is longer than " + std::to_string(limits_.max_head_bytes) + " bytes"));
      return;
    case request_head_meter::verdict::headers_too_large:
      refuse(peer, *state, error_with(431, "RequestHeaderFieldsTooLarge",
                              "the request line and headers are larger than " +
                                  std::to_string(limits_.max_head_bytes) + " bytes"));
      return;
    case request_head_meter::verdict::body_too_large:
      // A chunked body gives no length up front; Pistache would buffer it and never answer.
      refuse(peer, *state, request_entity_too_large(limits_.max_body_bytes));
      return;
  }
}

void connection_guard::onDisconnection(const std::shared_ptr<Tcp::Peer>& peer) {
  connections_->remove(peer.get());
  inner_->onDisconnection(peer);
}

}  // namespace orkest::api
