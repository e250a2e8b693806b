#pragma once
// One actor per live pod: owns the pod's container from creation to removal, restarts it as
// the restartPolicy says (with back-off), and writes the pod's status through the store.

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <chrono>

#include "actors/runtime_actor.hpp"
#include "actors/event_recorder.hpp"
#include "actors/wall_clock.hpp"
#include "actors/store_actor.hpp"
#include "actors/volume_actor.hpp"
#include "probe/network_prober.hpp"

namespace caf { class actor_system; }

namespace orkest::actors {

using pod_actor = caf::typed_actor<
    caf::reacts_to<change_event>,             // the pod object changed or was deleted
    caf::reacts_to<podman::container_event>,  // something happened to its container
    caf::reacts_to<resync_atom>,              // compare with the runtime (the periodic safety net)
    caf::reacts_to<resync_atom, podman::container_state>,  // the same, with the container as listed
    caf::reacts_to<resync_atom, std::string>,  // a failed status write's back-off has passed ("status")
    caf::reacts_to<restart_atom>,             // a back-off delay has passed
    caf::reacts_to<backoff_atom>,             // a failed image pull is now in its back-off
    caf::reacts_to<drained_atom>,             // a deleted pod's Services have let it go: stop it
    caf::reacts_to<probe_atom, std::size_t, uint64_t>,  // probe i of the container's run is due
    caf::reacts_to<probed_atom, std::size_t, uint64_t, bool, std::string>>;  // ... and what it found

struct pod_actor_settings {
  // How long a deleted pod's container keeps running before its SIGTERM, so every Service has
  // taken it out of its backends first (they hear of the deletion at the same moment as the pod
  // actor, and need microseconds); connections already open keep flowing until it exits.
  std::chrono::milliseconds endpoint_drain{300};
  std::string network;             // podman network the container joins
  std::string host_ip = "127.0.0.1";  // status.hostIP
  std::chrono::seconds runtime_timeout{120};
  std::string dns_server;       // the cluster DNS; empty: the pod network's own DNS
  std::string cluster_domain = "cluster.local";
  // Makes the HTTP and TCP probes; none: such probes fail ("no prober").
  std::shared_ptr<probe::network_prober> prober;
  event_recorder events;  // where the pod's Events go; none: not recorded
  std::string node_name;  // the Events' source host
  wall_clock clock = system_wall_clock();  // startTime, when it became ready
  // Sets up the pod's volumes under `pods_dir` (<data dir>/pods/<uid>); none: a pod with
  // volumes waits in ContainerCreating (FailedMount).
  volume_actor volumes;
  std::string pods_dir;
};

pod_actor spawn_pod_actor(caf::actor_system& system, store_actor store, runtime_actor runtime,
                          pod_actor_settings settings, json pod);

}  // namespace orkest::actors
