#include "netproxy/connection.hpp"

#include <utility>

#include "netproxy/socket_ops.hpp"

namespace orkest::netproxy {

connection::connection(uint64_t id, std::shared_ptr<listener_state> listener, unique_fd client, backend_plan plan,
                       client_route route, poller& poller)
    : id_(id),
      listener_(std::move(listener)),
      counters_(*listener_->counters),
      poller_(poller),
      plan_(std::move(plan)),
      route_(route),
      client_(std::move(client)) {
  ++counters_.active;
  set_no_delay(client_.get());
}

connection::~connection() {
  // The relays hold plain descriptor numbers (and their pipes); they go first, then the
  // sockets leave epoll and close, and only then does the connection stop counting as active.
  upstream_.reset();
  downstream_.reset();
  if (client_reg_.added) poller_.remove(client_.get());
  client_.reset();
  drop_backend();
  --counters_.active;
}

connection::status connection::start() { return connect_next(); }

void connection::drop_backend() {
  if (backend_reg_.added) poller_.remove(backend_.get());
  backend_reg_ = {};
  backend_.reset();
}

connection::status connection::connect_next() {
  // A retry: backends removed since the client arrived are dead pods; do not try them.
  if (attempt_ > 0) plan_.follow(listener_->current_backends(route_.external));
  drop_backend();
  while (const backend* target = plan_.next()) {
    ++attempt_;
    unique_fd fd;
    bool source_kept = false;
    if (start_connect(*target, fd, route_.source, &source_kept) != 0) {  // e.g. ENETUNREACH, or not an IPv4 address
      ++counters_.connect_failures;
      continue;
    }
    if (source_kept) ++counters_.client_address_kept;
    backend_ = std::move(fd);
    target_ = *target;
    // Writable means the connect finished, one way or the other; SO_ERROR says which.
    if (!watch(backend_, fd_kind::backend, backend_reg_, EPOLLOUT)) return status::closed;
    return status::connecting;
  }
  ++counters_.no_backend;
  return status::closed;
}

connection::status connection::on_connect_timeout(uint64_t attempt) {
  if (!connecting_) return status::open;
  if (attempt != attempt_) return status::connecting;
  ++counters_.connect_failures;
  return connect_next();
}

connection::status connection::on_backends_changed() {
  if (!connecting_) return status::open;
  if (backend_plan::holds(listener_->current_backends(route_.external), target_)) return status::connecting;
  return connect_next();
}

connection::status connection::on_event(fd_kind side, uint32_t events) {
  if (!connecting_) return shuffle(side, events);
  if (side != fd_kind::backend) return status::connecting;  // the client is not watched yet
  if (pending_error(backend_.get()) == 0 && (events & EPOLLOUT)) return on_connected();
  ++counters_.connect_failures;
  return connect_next();
}

connection::status connection::on_connected() {
  connecting_ = false;
  upstream_.emplace(client_.get(), backend_.get());
  downstream_.emplace(backend_.get(), client_.get());
  return update_interest() ? status::open : status::closed;
}

connection::status connection::shuffle(fd_kind side, uint32_t events) {
  // A socket error (reset, unreachable) ends the connection; there is no one to deliver the
  // remaining bytes of either direction to in a meaningful way.
  if (events & EPOLLERR) return status::closed;
  bool hup = events & EPOLLHUP;
  bool client = side == fd_kind::client;
  bool pump_up = hup || (client ? (events & EPOLLIN) : (events & EPOLLOUT));
  bool pump_down = hup || (client ? (events & EPOLLOUT) : (events & EPOLLIN));
  if (pump_up && !upstream_->pump()) return status::closed;
  if (pump_down && !downstream_->pump()) return status::closed;
  if (upstream_->finished() && downstream_->finished()) return status::closed;
  return update_interest() ? status::open : status::closed;
}

bool connection::update_interest() {
  uint32_t client_wants = (upstream_->wants_read() ? EPOLLIN : 0u) | (downstream_->wants_write() ? EPOLLOUT : 0u);
  uint32_t backend_wants = (downstream_->wants_read() ? EPOLLIN : 0u) | (upstream_->wants_write() ? EPOLLOUT : 0u);
  return watch(client_, fd_kind::client, client_reg_, client_wants) &&
         watch(backend_, fd_kind::backend, backend_reg_, backend_wants);
}

bool connection::watch(const unique_fd& fd, fd_kind side, registration& reg, uint32_t wanted) {
  token t{id_, side};
  int error = 0;
  if (wanted == 0) {
    if (reg.added) error = poller_.remove(fd.get());
    reg = {};
  } else if (!reg.added) {
    error = poller_.add(fd.get(), wanted, t);
    reg = {error == 0, wanted};
  } else if (reg.events != wanted) {
    error = poller_.modify(fd.get(), wanted, t);
    reg.events = wanted;
  }
  // epoll refuses only for lack of memory or watches; the connection cannot proceed then.
  return error == 0;
}

}  // namespace orkest::netproxy
