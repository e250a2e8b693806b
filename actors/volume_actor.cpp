#include "actors/volume_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "volumes/file_tree.hpp"

namespace orkest::actors {

namespace {

volume_actor::behavior_type volume_behavior(volume_actor::pointer, std::string pods_dir) {
  return {
      [](setup_atom, const volumes::pod_volume_plan& plan) { return volumes::set_up(plan); },
      [](teardown_atom, const std::string& pod_dir) {
        auto error = volumes::tear_down(pod_dir);
        if (!error.empty()) spdlog::warn("volumes of {} not removed: {}", pod_dir, error);
        return error;
      },
      [](provision_atom, const std::string& path) { return volumes::make_dirs(path, 0777); },
      [](message_atom, const std::string& path) { return volumes::take_termination_message(path); },
      [pods_dir](orphans_atom, const std::set<std::string>& live_uids) {
        if (int removed = volumes::remove_orphans(pods_dir, live_uids); removed > 0)
          spdlog::info("removed the volumes of {} pods deleted while orkest was not running", removed);
      },
  };
}

}  // namespace

volume_actor spawn_volume_actor(caf::actor_system& system, std::string pods_dir, bool detached) {
  if (detached) return system.spawn<caf::detached>(volume_behavior, std::move(pods_dir));
  return system.spawn(volume_behavior, std::move(pods_dir));
}

}  // namespace orkest::actors
