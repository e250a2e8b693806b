#pragma once
// Actor tests on CAF's deterministic scheduler (test_coordinator) under GoogleTest.
//
// Nothing runs until a test says so: `run()` delivers every pending message (bounded, so a
// livelock fails the test instead of hanging it), `advance_time()` moves the test clock and
// fires the timers that became due (resyncs, back-offs), then runs. No sleeps, no threads.
//
// `deterministic_actors` gives the system, the scheduler and a scoped actor that talks to the
// store; `control_plane_actors` adds the whole control plane (store, runtime, pod supervisor,
// ReplicaSet controller) on a podman::fake_runtime, with every actor on the test scheduler.

#include <gtest/gtest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "actors/control_plane.hpp"
#include "actors/store_actor.hpp"
#include "podman/fake_runtime.hpp"

namespace orkest::testing {

using store::change_event;
using actors::change_listener;
using store::change_type;
using store::object_key;
using store::store_result;
using nlohmann::json;

struct deterministic_config : caf::actor_system_config {
  deterministic_config() {
    set("scheduler.policy", caf::atom("testing"));
    set("logger.file-verbosity", caf::atom("quiet"));
    set("logger.console-verbosity", caf::atom("quiet"));
  }
};

// Records every change_event it is sent, in order.
struct event_recorder {
  change_listener handle;
  std::shared_ptr<std::vector<change_event>> events = std::make_shared<std::vector<change_event>>();

  // Events of one type (and, if given, for one object name).
  std::vector<change_event> of_type(change_type type, const std::string& name = {}) const {
    std::vector<change_event> out;
    for (const auto& event : *events)
      if (event.type == type && (name.empty() || event.object["metadata"]["name"] == name)) out.push_back(event);
    return out;
  }
};

class deterministic_actors : public ::testing::Test {
 protected:
  // Far more messages than any test exchanges: reaching it means actors never go quiet.
  static constexpr std::size_t max_messages_per_run = 200000;

  deterministic_config config;
  caf::actor_system system{config};
  caf::scheduler::test_coordinator& sched = dynamic_cast<caf::scheduler::test_coordinator&>(system.scheduler());
  caf::scoped_actor self{system};
  actors::store_actor store;  // set by the fixture that spawns one

  void TearDown() override {
    for (const auto& actor : stop_at_end_) caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    stop_at_end_.clear();
    run();  // lets every actor process its exit, so the system's destructor does not wait forever
  }

  // Delivers every pending message until no actor has anything left to do.
  void run() {
    auto processed = sched.run(max_messages_per_run);
    ASSERT_LT(processed, max_messages_per_run) << "actors still busy after " << processed << " messages";
  }

  // Moves the test clock, fires the timers that became due, and runs.
  void advance_time(std::chrono::milliseconds duration) {
    sched.advance_time(duration);
    run();
  }

  // Ends `actor` in TearDown.
  template <class Handle>
  void stop_at_end(const Handle& actor) {
    stop_at_end_.push_back(caf::actor_cast<caf::actor>(actor));
  }

  // Sends one message to the store without running anything; its reply waits in `self`'s
  // mailbox for take_replies().
  template <class... Ts>
  void send_to_store(Ts&&... xs) {
    self->send(store, std::forward<Ts>(xs)...);
  }

  // The store's replies that are in `self`'s mailbox, exactly `count` of them.
  std::vector<store_result> take_replies(std::size_t count) {
    std::vector<store_result> replies;
    for (std::size_t i = 0; i < count; ++i) {
      bool answered = false;
      self->receive(
          [&](store_result& reply) {
            replies.push_back(std::move(reply));
            answered = true;
          },
          caf::after(std::chrono::seconds(0)) >> [] {});
      if (!answered) {
        ADD_FAILURE() << "the store answered " << i << " of " << count << " requests";
        replies.push_back(store_result::failure(model::internal_error("the store did not answer")));
      }
    }
    return replies;
  }

  // One store request, run to completion: the reply, and every change it caused, delivered.
  template <class... Ts>
  store_result ask(Ts&&... xs) {
    send_to_store(std::forward<Ts>(xs)...);
    run();
    return take_replies(1).front();
  }

  store_result create(const json& body, const std::string& ns = "default") {
    return ask(actors::create_atom::value, body.at("kind").get<std::string>(), ns, body);
  }
  store_result get(const std::string& kind, const std::string& name, const std::string& ns = "default") {
    return ask(actors::get_atom::value, object_key{kind, ns, name});
  }
  store_result list(const std::string& kind, const std::string& label_selector = {},
                    const std::string& ns = "default") {
    return ask(actors::list_atom::value, store::list_request{kind, ns, label_selector, {}});
  }
  // PUT of `body` to the object it names.
  store_result update(const json& body, const std::string& ns = "default") {
    return ask(actors::update_atom::value, key_of(body, ns), body);
  }
  store_result update_status(const json& body, const std::string& ns = "default") {
    return ask(actors::status_atom::value, key_of(body, ns), body);
  }
  store_result remove(const std::string& kind, const std::string& name, const std::string& ns = "default",
                      store::delete_options options = {}) {
    return ask(actors::delete_atom::value, object_key{kind, ns, name}, options);
  }

  // A listener actor on the test scheduler that records what it is sent; ended in TearDown.
  event_recorder spawn_recorder() {
    event_recorder recorder;
    auto sink = recorder.events;
    recorder.handle = system.spawn([sink](change_listener::pointer) -> change_listener::behavior_type {
      return {[sink](const change_event& event) { sink->push_back(event); }};
    });
    stop_at_end(recorder.handle);
    return recorder;
  }

  store_result watch(const event_recorder& recorder, store::watch_request request) {
    return ask(actors::watch_atom::value, std::move(request), recorder.handle);
  }

  static object_key key_of(const json& body, const std::string& ns) {
    return {body.at("kind").get<std::string>(), ns, body.at("metadata").at("name").get<std::string>()};
  }

 private:
  std::vector<caf::actor> stop_at_end_;
};

// The whole control plane on the test scheduler, driving a fake runtime. Container events are
// not pumped by a thread: a test hands them over with deliver_runtime_events(), or leaves them
// for the periodic resync to discover.
class control_plane_actors : public deterministic_actors {
 protected:
  static constexpr std::chrono::milliseconds resync_period{5000};

  std::shared_ptr<podman::fake_runtime> runtime = std::make_shared<podman::fake_runtime>();
  actors::control_plane plane;
  event_recorder pod_events;  // every Pod change the store committed

  void SetUp() override {
    actors::control_plane_settings settings;
    settings.resync_period = resync_period;
    settings.runtime_workers = 2;
    settings.threaded_runtime = false;
    // No Services run here to drain from: a deleted pod's container stops at once, unless a
    // test's configure() says otherwise.
    settings.pods.pod.endpoint_drain = std::chrono::milliseconds(0);
    // Controllers read the time of day from the test clock: advancing it passes deadlines.
    settings.clock = [this, start = std::chrono::system_clock::now(), base = sched.clock().now()] {
      return start + std::chrono::duration_cast<std::chrono::system_clock::duration>(sched.clock().now() - base);
    };
    // The test clock jumps (an hour at once) past heartbeats a real node would send on time; a
    // node is lost only in tests that say so.
    settings.node_grace_period = std::chrono::hours(24);
    configure(settings);
    plane = actors::start_control_plane(system, runtime, settings);
    store = plane.store;
    run();
    pod_events = spawn_recorder();
    ASSERT_TRUE(watch(pod_events, {"Pod", "", "", "", std::nullopt, false}).ok());
  }

  // A test fixture's own settings (limits, ...), before the control plane starts.
  virtual void configure(actors::control_plane_settings&) {}

  void TearDown() override {
    plane.shutdown();
    deterministic_actors::TearDown();
  }

  // What the runtime event stream would carry, delivered to the pod supervisor now.
  void deliver_runtime_events() {
    for (auto& event : runtime->take_events()) caf::anon_send(plane.pods, std::move(event));
    run();
  }

  // One resync period passes: controllers and pod actors compare with reality.
  void advance_to_next_resync() { advance_time(resync_period); }

  int pods_created() const { return static_cast<int>(pod_events.of_type(change_type::added).size()); }

  std::vector<podman::container_state> running_containers() const {
    std::vector<podman::container_state> running;
    for (auto& container : runtime->containers())
      if (container.status == podman::container_status::running) running.push_back(container);
    return running;
  }

  // The container the runtime holds for a pod, if any.
  std::optional<podman::container_state> container_of(const json& pod) const {
    for (const auto& container : runtime->containers()) {
      auto uid = container.labels.find(podman::label_pod_uid);
      if (uid != container.labels.end() && uid->second == pod["metadata"]["uid"]) return container;
    }
    return std::nullopt;
  }

  std::vector<json> items_of(const store_result& list_result) {
    EXPECT_TRUE(list_result.ok()) << (list_result.ok() ? "" : list_result.error->message);
    if (!list_result.ok()) return {};
    return list_result.object["items"].get<std::vector<json>>();
  }

  std::vector<json> all_pods(const std::string& ns = "default") { return items_of(list("Pod", "", ns)); }

  // The pods whose controlling owner is the named ReplicaSet, terminating ones included.
  std::vector<json> pods_of(const std::string& replicaset, const std::string& ns = "default") {
    std::vector<json> owned;
    for (auto& pod : all_pods(ns))
      for (const auto& owner : pod["metadata"].value("ownerReferences", json::array()))
        if (owner.value("kind", "") == "ReplicaSet" && owner.value("name", "") == replicaset &&
            owner.value("controller", false))
          owned.push_back(pod);
    return owned;
  }

  json pod(const std::string& name, const std::string& ns = "default") {
    auto result = get("Pod", name, ns);
    EXPECT_TRUE(result.ok()) << "pod " << name << ": " << (result.ok() ? "" : result.error->message);
    return result.ok() ? result.object : json();
  }
};

}  // namespace orkest::testing
