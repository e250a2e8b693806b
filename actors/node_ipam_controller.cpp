#include "actors/node_ipam_controller.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <map>
#include <set>
#include <spdlog/spdlog.h>

#include "actors/watch_kinds.hpp"
#include "model/json_access.hpp"
#include "control/node_ipam.hpp"
#include "control/pod_facts.hpp"

namespace orkest::actors {

namespace {

constexpr auto store_timeout = std::chrono::seconds(10);

struct ipam_state {
  store_actor store;
  node_ipam_settings settings;
  std::map<std::string, std::string> cidrs;     // node name -> its podCIDR ("" while it has none)
  std::map<std::string, std::string> assigning;  // node name -> the block being written
  std::set<std::string> full;                    // nodes told that no block is left
  std::map<std::string, json> waiting;           // nodes without a podCIDR seen before the replay ended
  bool replayed = false;  // every existing Node is known: what is taken is known
  static inline const char* name = "node-ipam-controller";
};

using ipam_pointer = node_ipam_actor::stateful_pointer<ipam_state>;

void assign(ipam_pointer self, const json& node) {
  auto& st = self->state;
  const auto name = control::name_of(node);
  if (!st.cidrs[name].empty() || st.assigning.count(name)) return;
  std::set<std::string> taken;
  for (const auto& [other, cidr] : st.cidrs)
    if (!cidr.empty()) taken.insert(cidr);
  for (const auto& [other, cidr] : st.assigning) taken.insert(cidr);
  auto block = control::next_pod_cidr(st.settings.cluster_cidr, st.settings.node_mask_size, taken);
  if (!block) {
    if (st.full.insert(name).second) {
      spdlog::warn("node ipam: no podCIDR left in {} for node {}", st.settings.cluster_cidr, name);
      record_event(st.settings.events, {control::reference_to(node), "Warning", "CIDRNotAvailable",
                                        "Node " + name + " status is now: CIDRNotAvailable", "cidrAllocator", ""});
    }
    return;
  }
  st.assigning[name] = *block;
  patch_request patch{patch_type::merge, {{"spec", {{"podCIDR", *block}, {"podCIDRs", json::array({*block})}}}}, false};
  self->request(st.store, store_timeout, patch_atom::value, object_key{"Node", "", name}, std::move(patch))
      .then(
          [self, name, block = *block](const store_result& result) {
            self->state.assigning.erase(name);
            if (result.ok()) spdlog::info("node ipam: node {} has podCIDR {}", name, block);
            else if (result.error->code != 404)
              spdlog::warn("node ipam: giving node {} podCIDR {} failed: {}", name, block, result.error->message);
          },
          [self, name](const caf::error&) { self->state.assigning.erase(name); });
}

void on_change(ipam_pointer self, const change_event& event) {
  auto& st = self->state;
  const auto name = control::name_of(event.object);
  if (event.type == change_type::deleted) {
    st.cidrs.erase(name);
    st.full.erase(name);
    return;
  }
  st.cidrs[name] = model::string_member(model::member_or_null(event.object, "spec"), "podCIDR");
  if (!st.cidrs[name].empty()) return;
  if (st.replayed) assign(self, event.object);
  else st.waiting[name] = event.object;
}

node_ipam_actor::behavior_type controller(ipam_pointer self, store_actor store, node_ipam_settings settings) {
  self->state.store = store;
  self->state.settings = std::move(settings);
  // Blocks are handed out once every existing Node's is known.
  watch_kind_then(self, store, "Node", [self] {
    self->state.replayed = true;
    auto waiting = std::move(self->state.waiting);
    for (const auto& [name, node] : waiting)
      if (self->state.cidrs[name].empty()) assign(self, node);
  });
  return {[self](const change_event& event) { on_change(self, event); }};
}

}  // namespace

node_ipam_actor spawn_node_ipam_controller(caf::actor_system& system, store_actor store, node_ipam_settings settings) {
  return system.spawn(controller, std::move(store), std::move(settings));
}

}  // namespace orkest::actors
