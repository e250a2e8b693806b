#include "actors/network_probe_feed.hpp"

namespace orkest::actors {

probe::network_check network_check_for(const control::probe_spec& spec, const std::string& ip) {
  probe::network_check check;
  check.type = spec.handler == control::probe_handler::http_get ? probe::network_check::kind::http
                                                                 : probe::network_check::kind::tcp;
  check.ip = ip;
  check.port = static_cast<uint16_t>(spec.port);
  check.path = spec.path;
  check.headers = spec.http_headers;
  check.timeout = spec.timeout;
  return check;
}

void network_probe_feed::start(std::size_t i, uint64_t run, const control::probe_spec& spec, const std::string& ip) {
  if (probes_.size() <= i) probes_.resize(i + 1);
  auto gate = std::make_shared<filter>();
  auto deliver = deliver_;
  auto id = prober_->start(network_check_for(spec, ip), spec.initial_delay, spec.period,
                           [gate, deliver, i, run](const probe::probe_outcome& outcome) {
                             const bool matters = !outcome.success || gate->last_failed || gate->wants_successes;
                             gate->last_failed = !outcome.success;
                             if (matters) deliver(i, run, outcome.success, outcome.output);
                           });
  probes_[i] = {std::move(gate), probe::scheduled_probe(prober_, id)};
}

void network_probe_feed::stop(std::size_t i) {
  if (i < probes_.size()) probes_[i] = {};
}

void network_probe_feed::want_successes(std::size_t i, bool wanted) {
  if (i < probes_.size() && probes_[i].gate) probes_[i].gate->wants_successes = wanted;
}

}  // namespace orkest::actors
