#!/usr/bin/env python3
"""A new user's first requests (issue 13), against a real orkest (fake runtime):

- bodies Kubernetes would refuse but whose meaning is plain from the URL are accepted in their
  canonical shape, each with a Warning header saying what was assumed: no apiVersion or kind,
  a kind in lower case, a PUT of a ReplicaSet carrying only spec.replicas, labels written
  directly in metadata; canonical bodies get no Warning and names stay DNS-1123;
- JSON is indented for curl and for ?pretty=true, compact for other clients and ?pretty=false;
- a body over api.maxBodyBytes (8 MiB and 64 MiB) sent by curl and by Python's http.client is
  answered 413 in under a second.
"""

import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

import harness
from harness import PODS, REPLICASETS, eventually, log

BINARY = None
CONTAINER = {"name": "main", "image": "localhost/health:latest"}


def warnings_of(reply):
    return reply.headers.get("warning", [])


class ForgivingApiTest(harness.SharedOrkestTestCase):
    @classmethod
    def setUpClass(cls):
        with harness.shared_orkest(cls, BINARY, runtime="fake", name="forgiving"):
            cls.api = cls.orkest.client(timeout=10.0)

    def created(self, collection, body, *warnings):
        """POSTs body, expects 201 with a Warning mentioning each of warnings (none if none)."""
        reply = self.api.post(collection, body)
        self.assertEqual(reply.status, 201, reply)
        sent = warnings_of(reply)
        if not warnings:
            self.assertEqual(sent, [], "a canonical body was warned about")
        for warning in warnings:
            self.assertTrue(any(warning in w for w in sent), "no Warning mentions %r: %r" % (warning, sent))
        return reply.json()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.orkest.port, path)

    # ---- forgiven shapes --------------------------------------------------------------------

    def test_a_body_without_api_version_or_kind_takes_them_from_the_url(self):
        pod = self.created(PODS, {"metadata": {"name": "bare-body"}, "spec": {"containers": [CONTAINER]}},
                           'no kind: \\"Pod\\" was assumed from the URL',
                           'no apiVersion: \\"v1\\" was assumed from the URL')
        self.assertEqual((pod["apiVersion"], pod["kind"]), ("v1", "Pod"))
        stored = self.api.get(PODS + "/bare-body").json()
        self.assertEqual((stored["apiVersion"], stored["kind"]), ("v1", "Pod"))
        rs = self.created(REPLICASETS, {"metadata": {"name": "bare-rs"},
                                        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "bare-rs"}},
                                                 "template": {"metadata": {"labels": {"app": "bare-rs"}},
                                                              "spec": {"containers": [CONTAINER]}}}},
                          'no apiVersion: \\"apps/v1\\"')
        self.assertEqual((rs["apiVersion"], rs["kind"]), ("apps/v1", "ReplicaSet"))

    def test_a_kind_in_another_case_is_canonicalised(self):
        pod = self.created(PODS, {"apiVersion": "v1", "kind": "pod", "metadata": {"name": "lower-kind"},
                                  "spec": {"containers": [CONTAINER]}},
                           'kind \\"pod\\" was read as \\"Pod\\"')
        self.assertEqual(pod["kind"], "Pod")
        # A kind of another resource is still refused.
        reply = self.api.post(PODS, {"apiVersion": "v1", "kind": "replicaset", "metadata": {"name": "x"}})
        self.assertEqual(reply.status, 400, reply)
        self.assertIn('"ReplicaSet"', reply.json()["message"])

    def test_a_put_of_only_the_replicas_keeps_the_rest_of_the_spec(self):
        labels = {"app": "partial"}
        created = self.created(REPLICASETS, harness.replicaset_manifest("partial", 1, labels))
        reply = self.api.put(REPLICASETS + "/partial", {"spec": {"replicas": 3}})
        self.assertEqual(reply.status, 200, reply)
        sent = " ".join(warnings_of(reply))
        self.assertIn("spec is partial: the stored", sent)
        self.assertIn("spec.template", sent)
        self.assertIn('no metadata.name: \\"partial\\" was taken from the URL', sent)
        stored = self.api.get(REPLICASETS + "/partial").json()
        self.assertEqual(stored["spec"]["replicas"], 3)
        self.assertEqual(stored["spec"]["template"], created["spec"]["template"])
        self.assertEqual(stored["spec"]["selector"], created["spec"]["selector"])
        self.assertTrue(eventually(lambda: len(self.api.items(PODS, "app=partial")) == 3, 10),
                        "the ReplicaSet did not scale to the PUT's replicas")
        # A full body replaces, without a warning.
        full = harness.replicaset_manifest("partial", 0, labels)
        reply = self.api.put(REPLICASETS + "/partial", full)
        self.assertEqual(reply.status, 200, reply)
        self.assertEqual(warnings_of(reply), [])
        self.assertEqual(self.api.get(REPLICASETS + "/partial").json()["spec"]["replicas"], 0)

    def test_labels_written_directly_in_metadata_are_labels(self):
        pod = self.created(PODS, {"apiVersion": "v1", "kind": "Pod",
                                  "metadata": {"name": "shorthand-labels", "app": "shorthand", "tier": "web"},
                                  "spec": {"containers": [CONTAINER]}},
                           "metadata.app is not an ObjectMeta field: it was read as the label app=shorthand",
                           "label tier=web")
        self.assertEqual(pod["metadata"]["labels"], {"app": "shorthand", "tier": "web"})
        self.assertNotIn("app", pod["metadata"])
        self.assertEqual([p["metadata"]["name"] for p in self.api.items(PODS, "app=shorthand")], ["shorthand-labels"])

    def test_canonical_bodies_get_no_warning_and_names_stay_dns_labels(self):
        self.created(PODS, harness.pod_manifest("canonical-pod"))
        reply = self.api.post(PODS, {"metadata": {"name": "under_score"}, "spec": {"containers": [CONTAINER]}})
        self.assertEqual(reply.status, 422, reply)
        self.assertIn("metadata.name", [c["field"] for c in reply.json()["details"]["causes"]])

    # ---- pretty printing --------------------------------------------------------------------

    def test_json_is_indented_for_curl_and_pretty_true_only(self):
        def curl(path):
            return subprocess.run(["curl", "-sS", "--max-time", "10", self.url(path)], capture_output=True,
                                  text=True, check=True).stdout
        indented = curl("/api/v1/namespaces/default/pods")
        self.assertIn('\n  "kind": "PodList"', indented)
        self.assertNotIn("\n", curl("/api/v1/namespaces/default/pods?pretty=false").strip())
        compact = self.api.get(PODS).body.decode()
        self.assertNotIn("\n", compact.strip())
        self.assertIn('\n  "kind": "PodList"', self.api.get(PODS + "?pretty=true").body.decode())

    # ---- bodies over the limit --------------------------------------------------------------

    def test_bodies_over_the_limit_get_413_at_once_from_curl_and_python(self):
        with tempfile.TemporaryDirectory() as folder:
            for size in (8 << 20, 64 << 20):
                path = os.path.join(folder, "body-%d.json" % size)
                with open(path, "wb") as out:
                    out.write(b'{"a": "' + b"x" * (size - 10) + b'"}')
                started = time.monotonic()
                result = subprocess.run(["curl", "-sS", "--max-time", "20", "-o", os.path.join(folder, "answer"),
                                         "-w", "%{http_code}", "-H", "Content-Type: application/json",
                                         "--data-binary", "@" + path, self.url(PODS)],
                                        capture_output=True, text=True)
                elapsed = time.monotonic() - started
                self.assertEqual(result.stdout, "413", result.stderr)
                with open(os.path.join(folder, "answer")) as answer:
                    self.assertEqual(json.load(answer)["reason"], "RequestEntityTooLarge")
                self.assertLess(elapsed, 1.0, "curl waited %.3f s for the 413" % elapsed)
                log("%d MiB body from curl: 413 after %.1f ms" % (size >> 20, elapsed * 1000))

                with open(path, "rb") as body:
                    data = body.read()
                started = time.monotonic()
                connection = http.client.HTTPConnection("127.0.0.1", self.orkest.port, timeout=20)
                try:
                    try:
                        connection.request("POST", PODS, body=data, headers={"Content-Type": "application/json"})
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the server answered and closed before all was sent; the answer is read below
                    response = connection.getresponse()
                    status, answer = response.status, json.loads(response.read())
                finally:
                    connection.close()
                elapsed = time.monotonic() - started
                self.assertEqual(status, 413)
                self.assertEqual(answer["reason"], "RequestEntityTooLarge")
                self.assertLess(elapsed, 1.0, "Python's client waited %.3f s for the 413" % elapsed)
                log("%d MiB body from http.client: 413 after %.1f ms" % (size >> 20, elapsed * 1000))
        self.assertEqual(self.api.get("/healthz").status, 200)


if __name__ == "__main__":
    BINARY = harness.orkest_binary(sys.argv)
    unittest.main(verbosity=2)
