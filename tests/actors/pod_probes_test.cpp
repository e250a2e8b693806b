// A pod actor's probes on the deterministic scheduler, with a fake prober: thresholds, the
// initial delay, startup gating, recovery, restarts after liveness and startup failures, exec
// probes, and deletion while a probe is out (Endpoints follow the Ready condition:
// tests/control/service_endpoints_test.cpp).

#include <map>

#include "tests/actors/actor_test_support.hpp"

namespace orkest::testing {
namespace {

// Answers each check with the outcome set for its port (success unless told otherwise), one
// check per schedule each time the test's clock reaches its due time; with `hold` set, keeps
// the checks unanswered until release().
class fake_prober : public probe::network_prober {
 public:
  void check(probe::network_check what, probe::completion done) override { answer(what, std::move(done)); }
  probe::schedule_id start(probe::network_check what, std::chrono::milliseconds initial_delay,
                           std::chrono::milliseconds period, probe::completion on_result) override {
    auto& s = schedules[next_id] = {std::move(what), now + initial_delay, period, std::move(on_result)};
    if (initial_delay.count() == 0) {  // as the real prober: at once
      s.due += period;
      answer(s.what, s.on_result);
    }
    return next_id++;
  }
  void stop(probe::schedule_id id) override { schedules.erase(id); }

  // The test clock moved on: every schedule due by then is checked (once per period passed).
  void advance(std::chrono::milliseconds by) {
    const auto until = now + by;
    for (bool any = true; any;) {
      any = false;
      for (auto& [id, s] : schedules)
        if (s.due <= until) {
          s.due += s.period;
          answer(s.what, s.on_result);
          any = true;
          break;  // an answer may stop schedules: look again
        }
    }
    now = until;
  }
  void release() {
    for (auto& done : held) done({false, "released"});
    held.clear();
  }

  struct schedule {
    probe::network_check what;
    std::chrono::milliseconds due, period;
    probe::completion on_result;
  };
  std::map<probe::schedule_id, schedule> schedules;
  std::vector<probe::network_check> checks;
  std::map<uint16_t, std::string> failing;  // port -> the failure's output
  bool hold = false;
  std::vector<probe::completion> held;

 private:
  void answer(const probe::network_check& what, probe::completion done) {
    checks.push_back(what);
    if (hold) {
      held.push_back(std::move(done));
      return;
    }
    auto it = failing.find(what.port);
    done(it == failing.end() ? probe::probe_outcome{true, ""} : probe::probe_outcome{false, it->second});
  }
  std::chrono::milliseconds now{0};
  probe::schedule_id next_id = 1;
};

json probed_pod(const std::string& name, json probes) {
  json container = {{"name", "app"}, {"image", "busybox:1.35"}, {"ports", {{{"name", "http"}, {"containerPort", 5000}}}}};
  for (auto& [field, probe] : probes.items()) container[field] = probe;
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"labels", {{"app", "web"}}}}},
          {"spec", {{"containers", json::array({container})}}}};
}

class pod_probes_test : public control_plane_actors {
 protected:
  std::shared_ptr<fake_prober> prober = std::make_shared<fake_prober>();

  void configure(actors::control_plane_settings& settings) override { settings.pods.pod.prober = prober; }

  json pod(const std::string& name) {
    auto result = get("Pod", name);
    EXPECT_TRUE(result.ok());
    return result.object;
  }
  json container_status(const std::string& name) { return pod(name)["status"]["containerStatuses"][0]; }
  bool ready(const std::string& name) { return container_status(name)["ready"] == true; }
  // n seconds pass, one at a time: the actors' timers fire and the prober checks what is due.
  void seconds(int n) {
    for (int i = 0; i < n; ++i) {
      prober->advance(std::chrono::seconds(1));
      advance_time(std::chrono::seconds(1));
    }
  }
};

TEST_F(pod_probes_test, a_readiness_probe_holds_the_pod_unready_until_it_succeeds) {
  prober->failing[5000] = "HTTP probe failed with statuscode: 503";
  ASSERT_TRUE(create(probed_pod("web", {{"readinessProbe", {{"httpGet", {{"port", "http"}, {"path", "/ready"}}},
                                                            {"periodSeconds", 1}}}})).ok());
  run();
  EXPECT_EQ(pod("web")["status"]["phase"], "Running");
  EXPECT_FALSE(ready("web"));
  ASSERT_FALSE(prober->checks.empty());
  EXPECT_EQ(prober->checks.back().path, "/ready");
  EXPECT_EQ(prober->checks.back().ip, pod("web")["status"]["podIP"]);

  prober->failing.clear();
  seconds(1);
  EXPECT_TRUE(ready("web"));
  prober->failing[5000] = "down";
  seconds(1);
  seconds(1);
  EXPECT_TRUE(ready("web")) << "failureThreshold 3: two failures are not enough";
  seconds(1);
  EXPECT_FALSE(ready("web"));
  EXPECT_EQ(container_status("web")["restartCount"], 0) << "readiness never restarts";
  prober->failing.clear();
  seconds(1);
  EXPECT_TRUE(ready("web")) << "ready again at the first success";
}

TEST_F(pod_probes_test, liveness_failing_failure_threshold_times_restarts_the_container) {
  ASSERT_TRUE(create(probed_pod("web", {{"livenessProbe", {{"tcpSocket", {{"port", 5000}}}, {"periodSeconds", 2},
                                                           {"failureThreshold", 2}}}})).ok());
  run();
  const auto first = container_status("web")["containerID"];
  EXPECT_TRUE(ready("web")) << "liveness alone does not gate readiness";
  prober->failing[5000] = "refused";
  seconds(2);
  EXPECT_EQ(container_status("web")["restartCount"], 0) << "one failure of two";
  seconds(2);
  deliver_runtime_events();
  auto status = container_status("web");
  EXPECT_EQ(status["restartCount"], 1) << status.dump();
  EXPECT_EQ(status["lastState"]["terminated"]["exitCode"], 143);
  EXPECT_EQ(status["lastState"]["terminated"]["containerID"], first);
  EXPECT_TRUE(status.contains("state") && status["state"].contains("running")) << status.dump();
  EXPECT_EQ(runtime->creations(), 1) << "the same container is started again";

  prober->failing.clear();  // the new run starts afresh and stays up
  seconds(20);
  EXPECT_EQ(container_status("web")["restartCount"], 1);
}

TEST_F(pod_probes_test, the_initial_delay_passes_before_the_first_probe) {
  ASSERT_TRUE(create(probed_pod("web", {{"readinessProbe", {{"tcpSocket", {{"port", 5000}}},
                                                            {"initialDelaySeconds", 5}}}})).ok());
  run();
  seconds(4);
  EXPECT_TRUE(prober->checks.empty());
  EXPECT_FALSE(ready("web"));
  seconds(1);
  EXPECT_EQ(prober->checks.size(), 1u);
  EXPECT_TRUE(ready("web"));
}

TEST_F(pod_probes_test, a_startup_probe_holds_liveness_and_readiness_off_until_it_succeeds) {
  prober->failing[5001] = "not yet";
  auto manifest = probed_pod("web", {{"startupProbe", {{"tcpSocket", {{"port", 5001}}}, {"periodSeconds", 1},
                                                       {"failureThreshold", 30}}},
                                     {"livenessProbe", {{"tcpSocket", {{"port", 5002}}}, {"periodSeconds", 1}}},
                                     {"readinessProbe", {{"tcpSocket", {{"port", 5003}}}, {"periodSeconds", 1}}}});
  ASSERT_TRUE(create(manifest).ok());
  run();
  seconds(3);
  for (const auto& check : prober->checks) EXPECT_EQ(check.port, 5001) << "only the startup probe runs";
  EXPECT_EQ(container_status("web")["started"], false);
  prober->failing.clear();
  seconds(1);
  seconds(1);
  EXPECT_EQ(container_status("web")["started"], true);
  EXPECT_TRUE(ready("web"));
  const auto startup_checks = std::count_if(prober->checks.begin(), prober->checks.end(),
                                            [](const auto& c) { return c.port == 5001; });
  seconds(3);
  EXPECT_EQ(std::count_if(prober->checks.begin(), prober->checks.end(), [](const auto& c) { return c.port == 5001; }),
            startup_checks)
      << "a startup probe that succeeded is done";
}

TEST_F(pod_probes_test, a_failing_startup_probe_restarts_the_container) {
  prober->failing[5000] = "refused";
  ASSERT_TRUE(create(probed_pod("web", {{"startupProbe", {{"tcpSocket", {{"port", 5000}}}, {"periodSeconds", 1},
                                                          {"failureThreshold", 2}}}})).ok());
  run();
  seconds(1);
  deliver_runtime_events();
  EXPECT_EQ(container_status("web")["restartCount"], 1);
}

TEST_F(pod_probes_test, exec_probes_run_in_the_container_and_read_its_exit_code) {
  ASSERT_TRUE(create(probed_pod("web", {{"readinessProbe", {{"exec", {{"command", {"cat", "/tmp/ready"}}}},
                                                            {"periodSeconds", 1}, {"failureThreshold", 1}}}})).ok());
  run();
  EXPECT_TRUE(ready("web"));
  const auto id = container_status("web")["containerID"].get<std::string>().substr(std::string("podman://").size());
  runtime->set_exec_result(id, {1, "cat: /tmp/ready: No such file or directory"});
  seconds(1);
  EXPECT_FALSE(ready("web"));
  EXPECT_TRUE(prober->checks.empty()) << "exec probes are not network probes";
}

TEST_F(pod_probes_test, a_pod_deleted_while_its_probe_is_out_goes_and_probes_no_more) {
  prober->hold = true;
  ASSERT_TRUE(create(probed_pod("web", {{"livenessProbe", {{"tcpSocket", {{"port", 5000}}}, {"periodSeconds", 1},
                                                           {"failureThreshold", 1}}}})).ok());
  run();
  ASSERT_EQ(prober->held.size(), 1u);
  store::delete_options now;
  now.grace_period_seconds = 0;
  ASSERT_TRUE(remove("Pod", "web", "default", now).ok());
  run();
  EXPECT_FALSE(get("Pod", "web").ok());
  prober->release();  // the answer of the probe that was out arrives after the pod is gone
  run();
  const auto checks = prober->checks.size();
  seconds(5);
  EXPECT_EQ(prober->checks.size(), checks);
  EXPECT_TRUE(running_containers().empty());
}

}  // namespace
}  // namespace orkest::testing
