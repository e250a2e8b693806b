#!/usr/bin/env python3
"""Services under churn, with real podman and the health image.

A ReplicaSet behind a Service is scaled up and down, its pods are deleted through the API and
killed behind orkest's back, while a client loops through the Service at its host address
(one HTTP GET /health per connection). For every pod's death the test records when it happened
and when orkest noticed it (the pod's address left the Service's Endpoints). A failed request
is allowed only inside such a window [death, noticed + 1 s]; outside of them every request must
succeed. orkest's descriptor count (/proc/<pid>/fd) is the same before and after.

A pod torn down under a live connection may send no FIN at all (its network namespace is gone
first); the second test makes that happen with `podman network disconnect` and checks that the
proxy still lets go of the connection.
"""

import contextlib
import os
import socket
import sys
import threading
import time
import unittest

import harness
from harness import PODS, REPLICASETS, SERVICES, eventually, log

BINARY = None
SLACK = 1.0  # seconds after orkest noticed a death during which a failure still counts as its


class LoopingClient(threading.Thread):
    def __init__(self, address, port):
        super().__init__(name="service-client", daemon=True)
        self.address, self.port = address, port
        self.stop = threading.Event()
        self.results = []  # (start, end, ok, detail)

    def once(self):
        started = time.monotonic()
        try:
            with socket.create_connection((self.address, self.port), timeout=5) as s:
                s.sendall(b"GET /health HTTP/1.0\r\nHost: svc\r\n\r\n")
                data = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            ok = data.startswith(b"HTTP/1.0 200") and b'"status":"ok"' in data
            detail = data.split(b"\r\n\r\n", 1)[-1].strip().decode("utf-8", "replace") if ok else repr(data[:100])
        except OSError as error:
            ok, detail = False, "%s: %s" % (type(error).__name__, error)
        self.results.append((started, time.monotonic(), ok, detail))

    def run(self):
        while not self.stop.is_set():
            self.once()
            time.sleep(0.01)


class ServiceChurnTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.ensure_example_images()

    def test_no_failure_after_a_death_is_noticed_and_no_fd_leak(self):
        with harness.Orkest(BINARY, runtime="podman", name="churn", log_level="info") as orkest:
            orkest.start()
            api = orkest.client()
            rs = "rel-churn-%d" % os.getpid()
            port = harness.free_port()
            self.assertEqual(api.post(REPLICASETS, harness.replicaset_manifest(rs, 3, {"app": rs}, grace=2)).status, 201)
            self.assertEqual(api.post(SERVICES, harness.service_manifest(rs, port, {"app": rs})).status, 201)
            endpoints_path = "/api/v1/namespaces/default/endpoints/" + rs

            def ready_ips():
                reply = api.get(endpoints_path)
                if reply.status != 200:
                    return set()
                return {a["ip"] for subset in reply.json().get("subsets") or [] for a in subset.get("addresses") or []}

            def pods():
                return [p for p in api.items(PODS, "app%3D" + rs) if "deletionTimestamp" not in p["metadata"]]

            def settle(replicas):
                def done():
                    current = pods()
                    ips = {p["status"].get("podIP") for p in current if harness.is_running(p)}
                    return len(current) == replicas and len(ips) == replicas and ready_ips() == ips
                self.assertTrue(eventually(done, 90, 0.2), "did not settle at %d replicas: %s, endpoints %s" % (
                    replicas, [(p["metadata"]["name"], harness.phase(p)) for p in pods()], ready_ips()))

            settle(3)
            client = LoopingClient(orkest.service_address, port)
            client.once()
            self.assertTrue(client.results[-1][2], client.results[-1])
            time.sleep(1.5)
            fds_before = harness.fd_count(orkest.pid)
            targets_before = harness.fd_targets(orkest.pid)

            windows = []  # (died, noticed, what)

            def death(what, ips, act):
                died = time.monotonic()
                act()
                noticed = eventually(lambda: not (ready_ips() & ips) and time.monotonic(), 60, 0.02)
                self.assertTrue(noticed, "%s: %s never left the endpoints" % (what, ips))
                windows.append((died, noticed, what))
                log("%s: noticed %.2f s after the death" % (what, noticed - died))

            def scale(replicas):
                reply = api.patch(REPLICASETS + "/" + rs, {"spec": {"replicas": replicas}})
                self.assertEqual(reply.status, 200, reply)

            client.start()
            time.sleep(1.0)
            # Scale up: no death.
            scale(5)
            settle(5)
            time.sleep(0.5)
            # Delete a pod through the API (graceful).
            victim = pods()[0]
            death("delete " + victim["metadata"]["name"], {victim["status"]["podIP"]},
                  lambda: api.delete(PODS + "/" + victim["metadata"]["name"]))
            settle(5)
            # Kill a container behind orkest's back.
            victim = pods()[1]
            death("podman kill " + victim["metadata"]["name"], {victim["status"]["podIP"]},
                  lambda: harness.podman("kill", harness.container_id(victim), check=True))
            settle(5)
            # Scale down to 2: three deaths at once.
            before = {p["status"]["podIP"] for p in pods()}
            died = time.monotonic()
            scale(2)
            eventually(lambda: len(pods()) == 2, 30, 0.05)
            gone = before - {p["status"].get("podIP") for p in pods()}
            noticed = eventually(lambda: not (ready_ips() & gone) and time.monotonic(), 60, 0.02)
            self.assertTrue(noticed)
            windows.append((died, noticed, "scale 5 -> 2"))
            log("scale 5 -> 2: %d deaths noticed %.2f s after the scale" % (len(gone), noticed - died))
            settle(2)
            # Delete a pod with grace 0 (forced) and scale back up at once.
            victim = pods()[0]
            death("force delete " + victim["metadata"]["name"], {victim["status"]["podIP"]},
                  lambda: api.delete(PODS + "/" + victim["metadata"]["name"] + "?gracePeriodSeconds=0"))
            scale(3)
            settle(3)
            time.sleep(1.0)
            client.stop.set()
            client.join(10)

            results = client.results[1:]
            failures = [r for r in results if not r[2]]
            outside = [r for r in failures
                       if not any(died <= r[1] and r[0] <= noticed + SLACK for died, noticed, _ in windows)]
            served_by = {r[3] for r in results if r[2]}
            log("client: %d requests through the Service, %d failed, all inside death windows: %s; "
                "%d distinct pods served" % (len(results), len(failures), not outside, len(served_by)))
            for r in failures:
                log("  failure at +%.2f s: %s" % (r[0] - results[0][0], r[3]))
            self.assertGreater(len(results), 50)
            self.assertEqual(outside, [], "requests failed outside any death window")

            # A connection whose pod vanished without a FIN ends 10 s after its client left (the
            # proxy's TCP_USER_TIMEOUT), and that client waits up to 5 s: hence the 25 s bound.
            def fds_back():
                return harness.fd_count(orkest.pid) <= fds_before
            self.assertTrue(eventually(fds_back, 25, 0.5), "descriptors: %d before, %d after\nnew: %s" % (
                fds_before, harness.fd_count(orkest.pid),
                harness.describe_sockets(orkest.pid, set(harness.fd_targets(orkest.pid)) - set(targets_before))))
            log("orkest descriptors: %d before the churn, %d after" % (fds_before, harness.fd_count(orkest.pid)))
            self.assertTrue(orkest.alive())

    def test_a_backend_that_vanishes_mid_connection_is_let_go(self):
        # A pod whose network namespace goes away under a live connection sends no FIN and no
        # reset; `podman network disconnect` makes that happen on purpose. The proxy's FIN to it
        # then goes unanswered, and orkest must still free both of the connection's sockets.
        with harness.Orkest(BINARY, runtime="podman", name="vanish", log_level="info") as orkest:
            orkest.start()
            api = orkest.client()
            name = "rel-vanish-%d" % os.getpid()
            port = harness.free_port()
            self.assertEqual(api.post(PODS, harness.pod_manifest(name, {"app": name})).status, 201)
            self.assertEqual(api.post(SERVICES, harness.service_manifest(name, port, {"app": name})).status, 201)

            def served():
                with contextlib.suppress(OSError), socket.create_connection((orkest.service_address, port), 2) as s:
                    s.sendall(b"GET /health HTTP/1.0\r\n\r\n")
                    return s.recv(100).startswith(b"HTTP/1.0 200")
                return False
            self.assertTrue(eventually(served, 90, 0.2), "the Service never answered")
            pod = api.get(PODS + "/" + name).json()
            backend = "%s:5000" % pod["status"]["podIP"]

            def to_backend():
                return [d for d in harness.describe_sockets(orkest.pid, harness.fd_targets(orkest.pid))
                        if "-> " + backend + " " in d]
            self.assertTrue(eventually(lambda: not to_backend(), 15, 0.05), to_backend())
            fds_before = harness.fd_count(orkest.pid)

            client = socket.create_connection((orkest.service_address, port), timeout=5)
            client.sendall(b"GET /health HTTP/1.0\r\n")  # no blank line: the backend keeps waiting
            self.assertTrue(eventually(lambda: any("ESTABLISHED" in d for d in to_backend()), 10, 0.05),
                            "the proxy never connected to the backend")
            harness.podman("network", "disconnect", orkest.network, harness.container_id(pod), check=True)
            vanished = time.monotonic()
            client.close()

            def let_go():
                return not to_backend() and harness.fd_count(orkest.pid) <= fds_before
            self.assertTrue(eventually(let_go, 30, 0.5), "descriptors: %d before, %d after; to the backend: %s" % (
                fds_before, harness.fd_count(orkest.pid), to_backend()))
            log("connection to the vanished backend freed %.1f s after it vanished" % (time.monotonic() - vanished))
            self.assertTrue(orkest.alive())


if __name__ == "__main__":
    BINARY = harness.orkest_binary(sys.argv)
    unittest.main(verbosity=2)
