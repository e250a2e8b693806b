// The runtime actor in front of a fake runtime: calls reach the runtime, and inspections that
// wait while one is out go to the runtime together.

#include "actors/runtime_actor.hpp"

#include <set>

#include "podman/fake_runtime.hpp"
#include "tests/actors/actor_test_support.hpp"

namespace orkest {
namespace {

using actors::runtime_reply;

class runtime_actor_test : public testing::deterministic_actors {
 protected:
  std::shared_ptr<podman::fake_runtime> fake = std::make_shared<podman::fake_runtime>();
  actors::runtime_actor runtime = actors::spawn_runtime(system, fake, 4, /*detached=*/false);

  void SetUp() override { stop_at_end(runtime); }

  podman::container_spec spec(const std::string& name) {
    podman::container_spec s;
    s.name = name;
    s.image = "busybox:1.35";
    return s;
  }

  std::string running_container(const std::string& name) {
    auto id = std::get<std::string>(fake->run(spec(name)));
    fake->take_events();
    return id;
  }

  // The runtime's replies in `self`'s mailbox, in the order they came.
  std::vector<runtime_reply> take_runtime_replies(std::size_t count) {
    std::vector<runtime_reply> replies;
    for (std::size_t i = 0; i < count; ++i) {
      self->receive([&](runtime_reply& reply) { replies.push_back(std::move(reply)); },
                    caf::after(std::chrono::seconds(0)) >> [&] { ADD_FAILURE() << "only " << i << " replies"; });
    }
    return replies;
  }
};

TEST_F(runtime_actor_test, inspections_asked_while_one_is_out_are_answered_by_one_runtime_call) {
  auto a = running_container("a");
  auto b = running_container("b");
  auto c = running_container("c");
  for (const auto& id : {a, b, c, std::string{"gone"}}) self->send(runtime, actors::inspect_atom::value, id);
  run();

  auto replies = take_runtime_replies(4);
  ASSERT_EQ(replies.size(), 4u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(replies[i].error) << replies[i].error->message;
    EXPECT_EQ(replies[i].state.id, (std::vector<std::string>{a, b, c})[i]);
    EXPECT_EQ(replies[i].state.status, podman::container_status::running);
  }
  ASSERT_TRUE(replies[3].error);
  EXPECT_EQ(replies[3].error->reason, podman::runtime_reason::not_found);
  EXPECT_EQ(replies[3].state.id, "gone");
  EXPECT_EQ(fake->inspection_batches(), (std::vector<std::size_t>{1, 3}))
      << "the first inspection goes out at once, the three asked meanwhile together";
}

TEST_F(runtime_actor_test, a_run_answers_with_the_started_containers_state) {
  self->send(runtime, actors::run_atom::value, spec("web"));
  self->send(runtime, actors::run_atom::value, spec("db"));
  run();
  auto replies = take_runtime_replies(2);
  ASSERT_EQ(replies.size(), 2u);
  std::set<std::string> names;
  for (const auto& reply : replies) {
    EXPECT_FALSE(reply.error);
    EXPECT_EQ(reply.state.status, podman::container_status::running);
    EXPECT_FALSE(reply.state.started_at.empty());
    names.insert(reply.state.name);
  }
  EXPECT_EQ(names, (std::set<std::string>{"web", "db"}));
}

TEST_F(runtime_actor_test, a_failed_run_answers_with_the_runtimes_reason) {
  fake->set_image_missing("busybox:1.35");
  auto missing = spec("web");
  missing.image_pull_policy = "Never";
  self->send(runtime, actors::run_atom::value, missing);
  run();
  auto replies = take_runtime_replies(1);
  ASSERT_EQ(replies.size(), 1u);
  ASSERT_TRUE(replies[0].error);
  EXPECT_EQ(replies[0].error->reason, podman::runtime_reason::image_never_pull);
  EXPECT_TRUE(fake->inspection_batches().empty()) << "nothing to inspect after a failed run";
}

// With the pod network's subnet, orkest picks addresses itself (podman run --ip).
class runtime_actor_with_subnet_test : public runtime_actor_test {
 protected:
  actors::runtime_actor addressing = actors::spawn_runtime(system, fake, 4, /*detached=*/false, "10.77.0.0/29");

  void SetUp() override {
    runtime_actor_test::SetUp();
    stop_at_end(addressing);
  }

  runtime_reply run_one(const std::string& name) {
    self->send(addressing, actors::run_atom::value, spec(name));
    run();
    auto replies = take_runtime_replies(1);
    return replies.empty() ? runtime_reply{} : replies.front();
  }
};

TEST_F(runtime_actor_with_subnet_test, a_run_answers_with_an_address_of_the_subnet_and_needs_no_inspection) {
  auto web = run_one("web");
  auto db = run_one("db");
  ASSERT_FALSE(web.error);
  ASSERT_FALSE(db.error);
  EXPECT_EQ(web.state.ip, "10.77.0.2") << "the network address and the gateway (.1) are never handed out";
  EXPECT_EQ(db.state.ip, "10.77.0.3");
  EXPECT_EQ(web.state.status, podman::container_status::running);
  EXPECT_FALSE(web.state.started_at.empty());
  EXPECT_TRUE(fake->inspection_batches().empty());
  for (const auto& container : fake->containers())
    EXPECT_EQ(container.ip, container.name == "web" ? "10.77.0.2" : "10.77.0.3") << "podman got the address";
}

TEST_F(runtime_actor_with_subnet_test, an_address_another_container_holds_is_skipped) {
  auto squatter = spec("squatter");
  squatter.ip = "10.77.0.2";
  ASSERT_TRUE(std::holds_alternative<std::string>(fake->run(squatter)));
  auto web = run_one("web");
  ASSERT_FALSE(web.error) << web.error->message;
  EXPECT_EQ(web.state.ip, "10.77.0.3");
}

TEST_F(runtime_actor_with_subnet_test, without_a_free_address_podman_picks_and_a_removed_containers_address_is_free_again) {
  std::vector<runtime_reply> runs;
  for (int i = 0; i < 5; ++i) runs.push_back(run_one("pod-" + std::to_string(i)));
  EXPECT_EQ(runs.back().state.ip, "10.77.0.6") << "a /29 has five addresses to hand out";

  auto sixth = run_one("pod-5");
  ASSERT_FALSE(sixth.error);
  EXPECT_EQ(sixth.state.ip.rfind("10.88.", 0), 0u) << "podman's own address, read by an inspection: " << sixth.state.ip;
  EXPECT_EQ(fake->inspection_batches().size(), 1u);

  self->send(addressing, actors::remove_atom::value, runs[1].state.id);
  run();
  take_runtime_replies(1);
  EXPECT_EQ(run_one("pod-6").state.ip, runs[1].state.ip);
}

}  // namespace
}  // namespace orkest
