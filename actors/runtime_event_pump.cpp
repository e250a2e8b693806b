#include "actors/runtime_event_pump.hpp"

#include <caf/actor_system.hpp>
#include <caf/blocking_actor.hpp>
#include <spdlog/spdlog.h>
#include <thread>

namespace orkest::actors {

void spawn_runtime_event_pump(caf::actor_system& system, std::shared_ptr<podman::container_runtime> runtime,
                              pod_supervisor_actor supervisor) {
  auto stop = std::make_shared<std::atomic<bool>>(false);
  supervisor->attach_functor([stop] { *stop = true; });
  system.spawn<caf::detached>([runtime, supervisor, stop](caf::blocking_actor* self) {
    while (!*stop) {
      auto ended = runtime->watch_events(
          [&](const podman::container_event& event) { self->send(supervisor, event); }, *stop);
      if (*stop) break;
      // The periodic comparison covers the gap until the stream is back.
      spdlog::warn("runtime event stream ended ({}); reconnecting", ended ? ended->message : "closed");
      for (int i = 0; i < 10 && !*stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
}

}  // namespace orkest::actors
