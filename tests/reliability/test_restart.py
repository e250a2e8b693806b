#!/usr/bin/env python3
"""orkest killed with SIGKILL during a burst of pod creations, then started again with the same
configuration (bootstrap manifests: a ReplicaSet of 8 and 4 bare pods), with real podman.

orkest keeps its objects in its database: the second start finds them, and the manifests unchanged;
a container of the first run is adopted by its pod, or is an orphan that must go.
Afterwards:
- every desired pod is Running: 4 bare pods and exactly 8 replicas;
- one container per pod: every container of this node belongs to a current pod (no orphan), no
  pod has two (no duplicate), and each pod's status names its container.
"""

import collections
import json
import os
import sys
import time
import unittest

import harness
from harness import PODS, REPLICASETS, eventually, log

BINARY = None
REPLICAS = 8
BARE_PODS = 4


class RestartTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.ensure_example_images()

    def test_sigkill_during_a_burst_of_creations(self):
        with harness.Orkest(BINARY, runtime="podman", name="restart", log_level="debug") as orkest:
            rs = "rel-burst-%d" % os.getpid()
            bare = ["rel-bare-%d-%d" % (os.getpid(), i) for i in range(BARE_PODS)]
            orkest.add_manifest("10-replicaset.json", harness.replicaset_manifest(rs, REPLICAS, grace=1))
            for i, name in enumerate(bare):
                orkest.add_manifest("20-pod-%d.yaml" % i, json.dumps(harness.pod_manifest(name, {"bare": rs}, grace=1)))
            orkest.start()
            api = orkest.client()

            # Kill in the middle of the burst: some containers exist, not all pods run yet.
            started = time.monotonic()
            mid_burst = eventually(lambda: len(orkest.containers()) >= 3, 60, 0.05)
            running_before = sum(1 for p in api.items(PODS) if harness.is_running(p))
            containers_before = orkest.containers()
            orkest.kill()
            log("SIGKILL %.1f s after start: %d containers, %d pods Running of %d"
                % (time.monotonic() - started, len(containers_before), running_before, REPLICAS + BARE_PODS))
            self.assertTrue(mid_burst, "no container was created within 60 s")
            self.assertLess(running_before, REPLICAS + BARE_PODS, "the burst was over before the kill")

            orkest.start()
            restarted = time.monotonic()
            why = ["not checked"]

            def converged():
                pods = api.items(PODS)
                replicas = [p for p in pods if p["metadata"]["name"].startswith(rs + "-")]
                bare_pods = [p for p in pods if p["metadata"]["name"] in bare]
                if len(replicas) != REPLICAS or len(bare_pods) != BARE_PODS or len(pods) != REPLICAS + BARE_PODS:
                    why[0] = "pods: %d replicas, %d bare, %d in all" % (len(replicas), len(bare_pods), len(pods))
                    return False
                not_running = [p for p in pods if not harness.is_running(p)]
                if not_running:
                    why[0] = "not Running: %s" % {p["metadata"]["name"]: p.get("status") for p in not_running}
                    return False
                containers = orkest.containers()
                uids = {p["metadata"]["uid"]: p for p in pods}
                per_pod = collections.Counter(c["Labels"].get("io.orkest.pod-uid") for c in containers)
                orphans = [c["Names"] for c in containers if c["Labels"].get("io.orkest.pod-uid") not in uids]
                duplicates = [uid for uid, n in per_pod.items() if n > 1]
                if orphans or duplicates or len(containers) != len(pods):
                    why[0] = "%d containers for %d pods, orphans %s, duplicates %s" % (
                        len(containers), len(pods), orphans, duplicates)
                    return False
                by_id = {c["Id"]: c for c in containers}
                for pod in pods:
                    container = by_id.get(harness.container_id(pod))
                    if not container or container["State"] != "running" or \
                            container["Labels"].get("io.orkest.pod-uid") != pod["metadata"]["uid"]:
                        why[0] = "%s: its status names container %s" % (pod["metadata"]["name"],
                                                                         harness.container_id(pod)[:12])
                        return False
                return True

            self.assertTrue(eventually(converged, 120, 0.5), why[0])
            log("converged %.1f s after the restart: %d pods Running, one container each, no orphan"
                % (time.monotonic() - restarted, REPLICAS + BARE_PODS))
            # And it stays so across a few periodic comparisons.
            time.sleep(3)
            self.assertTrue(converged(), why[0])
            rs_status = api.get(REPLICASETS + "/" + rs).json()["status"]
            self.assertEqual(rs_status.get("replicas"), REPLICAS, rs_status)


if __name__ == "__main__":
    BINARY = harness.orkest_binary(sys.argv)
    unittest.main(verbosity=2)
