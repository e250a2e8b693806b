// A status write the store does not take (an agent whose server is away, a store error) is made
// again after a back-off, as a Kubernetes controller requeues its key, instead of waiting for
// the next change: the pod actor's status and a Service actor's PortsBound condition.

#include "actor_test_support.hpp"
#include "actors/pod_actor.hpp"
#include "actors/runtime_actor.hpp"
#include "actors/service_actor.hpp"
#include "control/ports_bound.hpp"
#include "fake_proxy.hpp"

namespace orkest::testing {
namespace {

using namespace std::chrono_literals;

// What the flaky store was asked to write, and how many more writes it refuses.
struct write_log {
  int refusals_left = 0;
  std::vector<json> written;  // every body it was sent, refused or not
  std::size_t accepted = 0;
};

// A store that takes only status writes and patches (all a pod or Service actor sends it here),
// refusing the first `refusals_left` with 500.
actors::store_actor spawn_flaky_store(caf::actor_system& system, std::shared_ptr<write_log> log) {
  auto actor = system.spawn([log](caf::event_based_actor*) -> caf::behavior {
    auto answer = [log](const json& body) {
      log->written.push_back(body);
      if (log->refusals_left > 0) {
        --log->refusals_left;
        return store_result::failure(model::internal_error("the database is away"));
      }
      ++log->accepted;
      return store_result::success(body);
    };
    return {
        [answer](actors::status_atom, const object_key&, const json& body) { return answer(body); },
        [answer](actors::patch_atom, const object_key&, const store::patch_request& patch) { return answer(patch.patch); },
    };
  });
  return caf::actor_cast<actors::store_actor>(actor);
}

class failed_status_write_test : public deterministic_actors {
 protected:
  std::shared_ptr<write_log> log = std::make_shared<write_log>();

  void SetUp() override {
    store = spawn_flaky_store(system, log);
    stop_at_end(store);
  }
};

TEST_F(failed_status_write_test, a_pods_status_is_written_again_after_a_back_off) {
  auto fake = std::make_shared<podman::fake_runtime>();
  auto runtime = actors::spawn_runtime(system, fake, 1, false);
  stop_at_end(runtime);
  log->refusals_left = 3;
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", "web"}, {"namespace", "default"}, {"uid", "uid-web"}}},
              {"spec", {{"containers", {{{"name", "web"}, {"image", "web:v1"}}}}}}};
  actors::pod_actor_settings settings;
  settings.endpoint_drain = 0ms;
  stop_at_end(actors::spawn_pod_actor(system, store, runtime, settings, pod));
  run();
  ASSERT_EQ(log->accepted, 0u) << "every write so far refused";
  // Retries come after 100 ms, 200 ms, 400 ms: nothing else happens to this pod meanwhile.
  advance_time(100ms);
  advance_time(200ms);
  advance_time(400ms);
  ASSERT_EQ(log->accepted, 1u);
  EXPECT_EQ(log->written.back()["status"]["phase"], "Running") << log->written.back().dump();
  // Written once it landed: no further writes while nothing changes.
  const auto writes = log->written.size();
  advance_time(10s);
  EXPECT_EQ(log->written.size(), writes);
}

TEST_F(failed_status_write_test, a_service_actors_port_condition_is_written_again_after_a_back_off) {
  auto proxy = std::make_shared<fake_proxy>();
  log->refusals_left = 2;
  json service = {{"apiVersion", "v1"},
                  {"kind", "Service"},
                  {"metadata", {{"name", "web"}, {"namespace", "default"}, {"uid", "uid-svc"}, {"generation", 1}}},
                  {"spec", {{"clusterIP", "10.96.0.10"}, {"ports", {{{"port", 8000}, {"targetPort", 8080}}}}}}};
  actors::service_actor_settings settings;
  settings.cluster_ips_on_loopback = false;
  settings.node_name = "node1";
  stop_at_end(actors::spawn_service_actor(system, store, proxy, settings, service));
  run();
  ASSERT_EQ(log->accepted, 0u);
  advance_time(100ms);
  advance_time(200ms);
  ASSERT_EQ(log->accepted, 1u);
  const auto& condition = log->written.back()["status"]["conditions"][0];
  EXPECT_EQ(condition["type"], control::ports_bound_type("node1"));
  EXPECT_EQ(condition["status"], "True");
  const auto writes = log->written.size();
  advance_time(10s);
  EXPECT_EQ(log->written.size(), writes);
}

}  // namespace
}  // namespace orkest::testing
