#pragma once
// Canonical manifests the unit tests create (the user's own shapes are in user_examples.hpp).

#include <nlohmann/json.hpp>
#include <string>

namespace orkest::testing {

// A ReplicaSet of busybox pods labelled app=<name>, selecting them by that label.
inline nlohmann::json replicaset_manifest(const std::string& name, int replicas) {
  nlohmann::json labels = {{"app", name}};
  return {{"apiVersion", "apps/v1"},
          {"kind", "ReplicaSet"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", labels}}},
            {"template",
             {{"metadata", {{"labels", labels}}},
              {"spec", {{"containers", {{{"name", "app"}, {"image", "busybox:1.35"}}}}}}}}}}};
}

}  // namespace orkest::testing
