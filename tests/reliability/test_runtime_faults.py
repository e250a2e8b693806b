#!/usr/bin/env python3
"""Runtime faults with real podman: orkest stays up, reports the truth in the pod's status, and
converges when the fault clears.

podman is reached through a wrapper script (runtime.podman) whose faults the tests switch with
files next to it: `hang-create` makes `podman create` hang (until orkest's command timeout kills
it), `break-events` makes `podman events` fail at once (the event stream stays cut).

- a hanging podman: the pod shows the RuntimeTimeout waiting reason, the API keeps answering at
  once, and the pod runs once podman answers again;
- a missing image (pull policy Never): ErrImageNeverPull, Running once the image exists;
- a container that exits at once: restartCount 1 at once, then CrashLoopBackOff with growing
  back-off (10 s before the second restart, 20 s announced after it);
- the event stream cut: the killed `podman events` child is replaced, and with the stream kept
  broken a container killed by hand is still restarted by the periodic comparison;
- many pods dying at once: all 10 containers of a ReplicaSet of 10 killed together come back.
"""

import os
import signal
import stat
import sys
import threading
import time
import unittest

import harness
from harness import PODS, REPLICASETS, eventually, log

BINARY = None

WRAPPER = """#!/bin/sh
# podman with faults switched by files next to this script (tests/reliability/test_runtime_faults.py)
dir=$(dirname "$0")
case "$1" in
  create|run) if [ -e "$dir/hang-create" ]; then exec sleep 3600; fi ;;
  events) if [ -e "$dir/break-events" ]; then echo "Error: the event stream is cut by the test" >&2; exit 125; fi ;;
esac
exec podman "$@"
"""


def unique(prefix):
    return "%s-%d" % (prefix, os.getpid())


class RuntimeFaultsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.ensure_example_images()

    def orkest(self, command_timeout=60, name="faults"):
        orkest = harness.Orkest(BINARY, runtime="podman", name=name, log_level="debug")
        wrapper = os.path.join(orkest.folder, "podman")
        with open(wrapper, "w") as f:
            f.write(WRAPPER)
        os.chmod(wrapper, os.stat(wrapper).st_mode | stat.S_IXUSR)
        orkest.runtime_settings.update({"podman": wrapper, "commandTimeoutSeconds": command_timeout})
        orkest.write_config()
        return orkest

    def fault(self, orkest, name, on):
        path = os.path.join(orkest.folder, name)
        if on:
            open(path, "w").close()
        elif os.path.exists(path):
            os.remove(path)

    def pod(self, api, name):
        reply = api.get(PODS + "/" + name)
        return reply.json() if reply.status == 200 else None

    def test_hanging_podman(self):
        with self.orkest(command_timeout=2, name="hang") as orkest:
            orkest.start()
            api = orkest.client()
            name = unique("rel-hang")
            self.fault(orkest, "hang-create", True)
            self.assertEqual(api.post(PODS, harness.pod_manifest(name)).status, 201)
            # While podman hangs, the API answers at once.
            for _ in range(10):
                started = time.monotonic()
                reply = api.get(PODS)
                self.assertEqual(reply.status, 200)
                self.assertLess(time.monotonic() - started, 1.0)
                time.sleep(0.1)
            pod = eventually(lambda: (lambda p: p if p and harness.waiting_reason(p) == "RuntimeTimeout" else None)(
                self.pod(api, name)), 15)
            self.assertTrue(pod, "no RuntimeTimeout reason: %s" % self.pod(api, name))
            waiting = harness.container_status(pod)["state"]["waiting"]
            self.assertIn("did not finish in time", waiting.get("message", ""))
            self.assertEqual(harness.phase(pod), "Pending")
            log("hanging podman create: waiting reason %s: %s" % (waiting["reason"], waiting.get("message")))
            self.assertEqual(orkest.containers(), [])
            cleared = time.monotonic()
            self.fault(orkest, "hang-create", False)
            self.assertTrue(eventually(lambda: harness.is_running(self.pod(api, name) or {"metadata": {}}), 45),
                            "pod did not run after the fault cleared: %s" % self.pod(api, name))
            log("converged %.1f s after podman answers again" % (time.monotonic() - cleared))
            self.assertEqual(len(orkest.containers()), 1)
            self.assertTrue(orkest.alive())

    def test_missing_image(self):
        image = "localhost/%s:latest" % unique("rel-missing")
        with self.orkest(name="image") as orkest:
            orkest.start()
            api = orkest.client()
            name = unique("rel-image")
            try:
                self.assertEqual(api.post(PODS, harness.pod_manifest(name, image=image)).status, 201)
                pod = eventually(lambda: (lambda p: p if p and harness.waiting_reason(p) == "ErrImageNeverPull"
                                          else None)(self.pod(api, name)), 20)
                self.assertTrue(pod, "no ErrImageNeverPull: %s" % self.pod(api, name))
                self.assertIn(image, harness.container_status(pod)["state"]["waiting"].get("message", ""))
                harness.podman("tag", harness.HEALTH_IMAGE, image, check=True)
                cleared = time.monotonic()
                self.assertTrue(eventually(lambda: harness.is_running(self.pod(api, name) or {"metadata": {}}), 60),
                                "pod did not run once the image existed: %s" % self.pod(api, name))
                log("missing image: ErrImageNeverPull, Running %.1f s after the image appeared"
                    % (time.monotonic() - cleared))
            finally:
                api.delete(PODS + "/" + name + "?gracePeriodSeconds=0")
                eventually(lambda: not orkest.containers(), 20)
                # Only this name: `podman untag IMAGE` alone takes every name off the image,
                # the health image's own with it (tests running beside this one lost it).
                harness.podman("untag", image, image)

    def test_crash_loop_back_off(self):
        with self.orkest(name="crash") as orkest:
            orkest.start()
            api = orkest.client()
            name = unique("rel-crash")
            self.assertEqual(api.post(PODS, harness.pod_manifest(name, command=["sh", "-c", "exit 1"])).status, 201)
            seen = []  # (time, restartCount, waiting reason, message)

            def observe():
                pod = self.pod(api, name)
                if pod:
                    waiting = (harness.container_status(pod).get("state") or {}).get("waiting") or {}
                    seen.append((time.monotonic(), harness.restart_count(pod), waiting.get("reason", ""),
                                 waiting.get("message", "")))
                return seen[-1] if seen else None

            first = eventually(lambda: (lambda s: s if s and s[1] >= 1 else None)(observe()), 30, 0.05)
            self.assertTrue(first, "restartCount never reached 1: %s" % seen[-5:])
            back_off = eventually(lambda: (lambda s: s if s and s[2] == "CrashLoopBackOff" else None)(observe()),
                                  20, 0.05)
            self.assertTrue(back_off, "no CrashLoopBackOff: %s" % seen[-5:])
            self.assertEqual(back_off[1], 1)
            self.assertIn("back-off 10s", back_off[3])
            second = eventually(lambda: (lambda s: s if s and s[1] >= 2 else None)(observe()), 30, 0.05)
            self.assertTrue(second, "restartCount never reached 2: %s" % seen[-5:])
            delay = second[0] - back_off[0]
            self.assertGreater(delay, 8.0, "the second restart came too early")
            announced = eventually(lambda: (lambda s: s if s and s[2] == "CrashLoopBackOff" and s[1] == 2
                                            else None)(observe()), 20, 0.05)
            self.assertTrue(announced, "no second CrashLoopBackOff: %s" % seen[-5:])
            self.assertIn("back-off 20s", announced[3])
            pod = self.pod(api, name)
            terminated = harness.container_status(pod).get("lastState", {}).get("terminated", {})
            self.assertEqual(terminated.get("exitCode"), 1, pod["status"])
            log("crash loop: restart 1 at +%.1f s, CrashLoopBackOff (10s), restart 2 %.1f s later, then %s"
                % (first[0] - seen[0][0], delay, announced[3].split(" restarting")[0]))
            self.assertEqual(len(orkest.containers()), 1)

    def events_children(self, orkest):
        return [pid for pid in harness.descendants(orkest.pid)
                if "events" in harness.command_line(pid) and any("podman" in w for w in harness.command_line(pid)[:2])]

    def test_event_stream_cut(self):
        with self.orkest(name="events") as orkest:
            orkest.start()
            api = orkest.client()
            name = unique("rel-events")
            self.assertEqual(api.post(PODS, harness.pod_manifest(name)).status, 201)
            self.assertTrue(eventually(lambda: harness.is_running(self.pod(api, name) or {"metadata": {}}), 60))

            # 1. Kill the `podman events` child: orkest starts another one.
            children = eventually(lambda: self.events_children(orkest), 10)
            self.assertTrue(children, "no podman events child of orkest: %s" % [
                harness.command_line(p) for p in harness.descendants(orkest.pid)])
            for pid in children:
                os.kill(pid, signal.SIGKILL)
            replaced = eventually(lambda: [p for p in self.events_children(orkest) if p not in children], 10)
            self.assertTrue(replaced, "the event stream was not reconnected")
            log("podman events %s killed, reconnected as %s" % (children, replaced))

            # 2. Keep the stream broken and kill the container by hand: the periodic comparison
            # notices and restarts it.
            self.fault(orkest, "break-events", True)
            for pid in self.events_children(orkest):
                os.kill(pid, signal.SIGKILL)
            time.sleep(1.5)
            self.assertEqual(self.events_children(orkest), [], "the broken stream should not stay up")
            before = self.pod(api, name)
            cid = harness.container_id(before)
            killed = time.monotonic()
            harness.podman("kill", cid, check=True)
            restarted = eventually(lambda: (lambda p: p if p and harness.restart_count(p) > harness.restart_count(before)
                                            and harness.is_running(p) else None)(self.pod(api, name)), 30)
            self.assertTrue(restarted, "the hand-killed container was not restarted: %s" % self.pod(api, name))
            log("events cut: hand-killed container restarted %.1f s later by the periodic comparison"
                % (time.monotonic() - killed))
            self.assertIn("event stream ended", orkest.log())

            # 3. And removed by hand: recreated.
            harness.podman("rm", "--force", "--time", "0", harness.container_id(restarted), check=True)
            self.assertTrue(eventually(lambda: (lambda p: p and harness.is_running(p) and
                                                harness.container_id(p) != harness.container_id(restarted))(
                self.pod(api, name)), 40), "the removed container was not recreated")
            self.fault(orkest, "break-events", False)
            self.assertTrue(eventually(lambda: self.events_children(orkest), 10), "no reconnection after the fault")
            self.assertEqual(len(orkest.containers()), 1)

    def test_many_pods_dying_at_once(self):
        with self.orkest(name="many") as orkest:
            orkest.start()
            api = orkest.client()
            rs = unique("rel-many")
            self.assertEqual(api.post(REPLICASETS, harness.replicaset_manifest(rs, 10, grace=1)).status, 201)

            def running():
                return [p for p in api.items(PODS, "rs%3D" + rs) if harness.is_running(p)]
            self.assertTrue(eventually(lambda: len(running()) == 10, 120), "10 replicas did not run")
            pods = running()
            ids = [harness.container_id(p) for p in pods]
            killed = time.monotonic()
            threads = [threading.Thread(target=harness.podman, args=("kill", cid)) for cid in ids]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

            def recovered():
                now = running()
                return len(now) == 10 and all(harness.restart_count(p) >= 1 for p in now) and \
                    {p["metadata"]["name"] for p in now} == {p["metadata"]["name"] for p in pods}
            self.assertTrue(eventually(recovered, 90), "not all back: %s" % [
                (p["metadata"]["name"], harness.phase(p), harness.restart_count(p)) for p in api.items(PODS)])
            log("10 containers killed at once: all 10 pods Running again after %.1f s"
                % (time.monotonic() - killed))
            containers = orkest.containers()
            names = sorted("%s %s" % (c["Names"][0], c["State"]) for c in containers)
            self.assertEqual(len(orkest.containers(running_only=True)), 10, names)
            self.assertEqual(len(containers), 10, names)


if __name__ == "__main__":
    BINARY = harness.orkest_binary(sys.argv)
    unittest.main(verbosity=2)
