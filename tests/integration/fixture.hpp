#pragma once
// The GoogleTest fixture of the integration tests: one real orkest (orkest_process) per test,
// started in SetUp, stopped and cleaned up in TearDown (its containers and network removed
// even when the test failed; its log printed when it did).

#include <gtest/gtest.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>

#include "orkest_process.hpp"

namespace orkest::itest {

using json = nlohmann::json;
using namespace std::chrono_literals;

inline const std::string pods_url = "/api/v1/namespaces/default/pods";
inline const std::string replicasets_url = "/apis/apps/v1/namespaces/default/replicasets";
inline const std::string health_image = "localhost/health:latest";

// A name no concurrently running test process uses (container names are
// orkest_<namespace>_<pod>, shared by every orkest on the host).
inline std::string unique(const std::string& prefix) { return prefix + "-" + std::to_string(::getpid()); }

inline json pod_manifest(const std::string& name, const std::string& image = health_image,
                         const json& labels = json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"labels", labels}}},
          {"spec",
           {{"containers", json::array({{{"name", "main"}, {"image", image}, {"imagePullPolicy", "Never"}}})}}}};
}

inline json replicaset_manifest(const std::string& name, int replicas) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "ReplicaSet"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"rs", name}}}}},
            {"template",
             {{"metadata", {{"labels", {{"rs", name}}}}},
              {"spec",
               {{"containers",
                 json::array({{{"name", "health"}, {"image", health_image}, {"imagePullPolicy", "Never"}}})}}}}}}}};
}

inline std::string phase_of(const json& pod) { return pod.value("/status/phase"_json_pointer, std::string{}); }
inline std::string pod_ip_of(const json& pod) { return pod.value("/status/podIP"_json_pointer, std::string{}); }
inline int restart_count_of(const json& pod) {
  return pod.value("/status/containerStatuses/0/restartCount"_json_pointer, -1);
}
// The container id in status.containerStatuses[0].containerID, without "podman://".
inline std::string container_id_of(const json& pod) {
  auto id = pod.value("/status/containerStatuses/0/containerID"_json_pointer, std::string{});
  auto scheme = id.find("://");
  return scheme == std::string::npos ? id : id.substr(scheme + 3);
}
inline bool is_running(const json& pod) {
  return phase_of(pod) == "Running" && !pod_ip_of(pod).empty() &&
         pod.contains("/status/containerStatuses/0/state/running"_json_pointer) &&
         !pod.contains("/metadata/deletionTimestamp"_json_pointer);
}

// Holds `probe` true for all of `span` (polled every 100 ms); false at the first time it is not.
inline bool consistently(const std::function<bool()>& probe, std::chrono::milliseconds span) {
  auto end = std::chrono::steady_clock::now() + span;
  while (std::chrono::steady_clock::now() < end) {
    if (!probe()) return false;
    std::this_thread::sleep_for(100ms);
  }
  return probe();
}

class OrkestIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { images_error_ = ensure_example_images(); }

  // Tests that need bootstrap manifests override this (called before orkest starts).
  virtual void prepare(orkest_process&) {}
  // Tests that need other settings override this.
  virtual orkest_options options() const { return {}; }
  // Settings where a node silent for 3 s is lost (leases renewed every second).
  static orkest_options quick_node_loss() {
    orkest_options settings;
    settings.node_grace_seconds = 3;
    return settings;
  }

  void SetUp() override {
    ASSERT_EQ(images_error_, "") << "demo images unavailable";
    orkest_ = std::make_unique<orkest_process>(options());
    prepare(*orkest_);
    auto error = orkest_->start();
    ASSERT_EQ(error, "") << "orkest did not start";
  }

  void TearDown() override {
    if (HasFailure() && orkest_) {
      std::cerr << "---- orkest log (" << orkest_->folder() << "), node " << orkest_->node_name() << " ----\n"
                << orkest_->log() << "---- end of orkest log ----\n";
      auto containers = podman({"ps", "--all", "--filter", "label=io.orkest.node=" + orkest_->node_name(),
                                "--format", "{{.ID}} {{.Names}} {{.Status}} {{.Labels}}"});
      std::cerr << "---- its containers ----\n" << containers.out << containers.err << "----\n";
    }
    orkest_.reset();  // stops orkest, removes its containers and network
  }

  orkest_process& orkest() { return *orkest_; }
  http_client api() const { return orkest_->api(); }

  // The Node's object, or null when GET does not find it.
  json node(const std::string& name) const {
    auto reply = api().get("/api/v1/nodes/" + name);
    return reply.status == 200 ? reply.json() : json();
  }
  // Its Ready condition's status: True, False, Unknown, or "" without one.
  static std::string ready_of(const json& node) {
    for (const auto& condition : node.value("/status/conditions"_json_pointer, json::array()))
      if (condition.value("type", "") == "Ready") return condition.value("status", "");
    return "";
  }
  // The pod's object, or null when GET does not find it.
  json get_pod(const std::string& name) const {
    auto reply = api().get(pods_url + "/" + name);
    return reply.status == 200 ? reply.json() : json();
  }
  // The pod once its phase is `phase` (Succeeded, Failed, ...), waiting at most `limit`; null
  // (and a test failure showing the pod) when it does not get there.
  json pod_reaching_phase(const std::string& name, const std::string& phase, std::chrono::milliseconds limit) {
    json pod;
    if (eventually([&] { return (pod = get_pod(name)).value("/status/phase"_json_pointer, std::string{}) == phase; },
                   limit))
      return pod;
    ADD_FAILURE() << "pod " << name << " not " << phase << ": " << pod.dump();
    return nullptr;
  }
  // The pod's log (GET .../log), or "" (and a test failure) when it cannot be read.
  std::string log_of(const std::string& name) {
    auto reply = api().get(pods_url + "/" + name + "/log");
    EXPECT_EQ(reply.status, 200) << reply.describe();
    return reply.status == 200 ? reply.body : "";
  }
  // The pods of a label selector (e.g. "rs=web"); empty when the list fails.
  json list_pods(const std::string& selector = {}) const {
    auto reply = api().get(pods_url + (selector.empty() ? "" : "?labelSelector=" + selector));
    return reply.status == 200 ? reply.json().value("items", json::array()) : json::array();
  }
  // How many pods of the selector are Running, none of them terminating.
  int running_pods(const std::string& selector, int* total = nullptr) const {
    auto pods = list_pods(selector);
    if (total) *total = static_cast<int>(pods.size());
    int running = 0;
    for (const auto& pod : pods) running += is_running(pod) ? 1 : 0;
    return running;
  }
  // Whether the container exists and runs.
  static bool container_running(const std::string& id) {
    auto state = orkest_process::inspect(id);
    return !state.is_null() && state.value("/State/Running"_json_pointer, false);
  }
  // The node's containers that are running.
  int running_containers() const {
    auto result = podman({"ps", "--quiet", "--filter", "label=io.orkest.node=" + orkest_->node_name(), "--filter",
                          "status=running"});
    int count = 0;
    for (char c : result.out) count += c == '\n';
    return count;
  }
  // For assertion messages.
  std::string describe_pods(const std::string& selector = {}) const {
    std::string text;
    for (const auto& pod : list_pods(selector))
      text += "\n  " + pod.value("/metadata/name"_json_pointer, std::string{}) + " " + phase_of(pod) + " ip=" +
              pod_ip_of(pod) + " restarts=" + std::to_string(restart_count_of(pod)) + " container=" +
              container_id_of(pod).substr(0, 12) + " state=" +
              pod.value("/status/containerStatuses/0/state"_json_pointer, json()).dump();
    return text.empty() ? " (none)" : text;
  }

  std::unique_ptr<orkest_process> orkest_;
  static inline std::string images_error_;
};

}  // namespace orkest::itest
