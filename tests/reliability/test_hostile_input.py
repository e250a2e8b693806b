#!/usr/bin/env python3
"""Hostile input catalogue against a real orkest process (fake runtime).

Every hostile request must get a precise 4xx Kubernetes Status (code, reason, and a message or
cause naming the field or the problem) and must not change the state: the lists of every kind
and the store's resourceVersion are the same before and after.

Query parameters: like the Kubernetes API server, orkest ignores query parameters it does not
know (?foo=bar answers as if it were absent; kubectl and client libraries send parameters of
newer servers), while known parameters with malformed values (labelSelector, fieldSelector,
gracePeriodSeconds, watch's resourceVersion, fieldValidation) are 400 BadRequest naming the
parameter; ?fieldValidation=Strict refuses unknown body fields, naming them.

Slow and truncated requests: a request whose headers and body have not all arrived within
api.readTimeoutSeconds (1 s here) is answered 408 Timeout and its connection is closed, and
many such connections at once neither block other clients nor leak descriptors.
"""

import copy
import json
import socket
import sys
import threading
import time
import unittest

import harness
from harness import PODS, REPLICASETS, SERVICES, eventually, log

BINARY = None
MAX_BODY = 64 * 1024
READ_TIMEOUT = 1
WATCH_TIMEOUT = 4

POD = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "victim", "labels": {"app": "web"}, "annotations": {"note": "x"}},
       "spec": {"restartPolicy": "Always", "terminationGracePeriodSeconds": 5,
                "containers": [{"name": "main", "image": "localhost/health:latest", "imagePullPolicy": "Never",
                                "command": ["/app/health-server.sh"], "args": ["--verbose"],
                                "ports": [{"containerPort": 5000, "name": "http", "protocol": "TCP"}],
                                "env": [{"name": "PORT", "value": "5000"}]}]}}
REPLICASET = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
              "metadata": {"name": "victim", "labels": {"app": "web"}},
              "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "main", "image": "localhost/health:latest",
                                                             "ports": [{"containerPort": 5000}],
                                                             "env": [{"name": "A", "value": "b"}]}]}}}}
SERVICE = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": "victim", "labels": {"app": "web"}},
           "spec": {"type": "ClusterIP", "selector": {"app": "web"},
                    "ports": [{"name": "http", "protocol": "TCP", "port": 18080, "targetPort": 5000}]}}
KINDS = {"Pod": (PODS, POD), "ReplicaSet": (REPLICASETS, REPLICASET), "Service": (SERVICES, SERVICE)}

# Fields where a value of another JSON type is legitimately accepted.
INT_OR_STRING = {"spec.ports[0].targetPort"}
SHORTHAND_OBJECT = {"spec.containers[0].env", "spec.template.spec.containers[0].env", "spec.template.metadata"}
IDENTITY = {"apiVersion", "kind", "metadata", "metadata.namespace"}  # checked before validation: 400


# Maps with free-form keys: Kubernetes names their entries path[key].
MAPS = {"metadata.labels", "metadata.annotations", "spec.selector.matchLabels", "spec.template.metadata.labels"}
SERVICE_MAPS = MAPS | {"spec.selector"}


def leaf_paths(value, maps, path=""):
    """(path in Kubernetes field notation, JSON pointer parts, value) of every member below value."""
    out = []
    if isinstance(value, dict):
        for key, child in value.items():
            if not path:
                child_path = key
            elif path in maps:
                child_path = "%s[%s]" % (path, key)
            else:
                child_path = path + "." + key
            out.append((child_path, [key], child))
            out += [(p, [key] + parts, v) for p, parts, v in leaf_paths(child, maps, child_path)]
    elif isinstance(value, list):
        for i, child in enumerate(value):
            child_path = "%s[%d]" % (path, i)
            out.append((child_path, [i], child))
            out += [(p, [i] + parts, v) for p, parts, v in leaf_paths(child, maps, child_path)]
    return out


def wrong_values(value):
    """Values of other JSON types than value's."""
    if isinstance(value, bool):
        return ["true", 1, {}, []]
    if isinstance(value, (int, float)):
        return ["5", True, {"a": 1}, [5]]
    if isinstance(value, str):
        return [5, True, {"a": "b"}, ["x"]]
    if isinstance(value, list):
        return ["x", 5, True, {"a": "b"}]
    if isinstance(value, dict):
        return ["x", 5, True, ["x"]]
    return []


def replaced(document, parts, new_value):
    changed = copy.deepcopy(document)
    target = changed
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = new_value
    return changed


class HostileInputTest(harness.SharedOrkestTestCase):
    maxDiff = None
    @classmethod
    def setUpClass(cls):
        with harness.shared_orkest(cls, BINARY, runtime="fake", name="hostile",
                                   api={"maxBodyBytes": MAX_BODY, "readTimeoutSeconds": READ_TIMEOUT,
                                        "watchTimeoutSeconds": WATCH_TIMEOUT, "threads": 2}):
            cls.api = cls.orkest.client(timeout=20.0)
            for collection, body in KINDS.values():
                reply = cls.api.post(collection, body)
                assert reply.status == 201, reply
            assert eventually(lambda: all(harness.is_running(p) for p in cls.api.items(PODS)), 10)
            cls.checked = 0
            cls.checked_version = None  # the store's resourceVersion at the last unchanged-state check

    @classmethod
    def tearDownClass(cls):
        log("%d hostile requests answered precisely with no state change" % cls.checked)
        super().tearDownClass()

    # ---- helpers ----------------------------------------------------------------------------

    def snapshot(self):
        state = {}
        version = 0
        for kind, (collection, _) in KINDS.items():
            reply = self.api.get(collection)
            self.assertEqual(reply.status, 200, reply)
            body = reply.json()
            state[kind] = body["items"]
            # The objects' own versions: the node's Lease is renewed every 2 s meanwhile.
            for item in body["items"]:
                version = max(version, int(item["metadata"]["resourceVersion"]))
        return state, version

    def quiet_snapshot(self, limit=5.0):
        """The state once the controllers are done with the test's own earlier writes (an
        Endpoints object follows its Service's deletion, a ReplicaSet's pods follow the
        ReplicaSet): two snapshots 0.2 s apart agree. Nothing written since the last check: at once."""
        last = self.snapshot()
        if last[1] == type(self).checked_version:
            return last
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            time.sleep(0.2)
            current = self.snapshot()
            # A terminating pod is work in progress (its drain and stop), however still it looks.
            terminating = any("deletionTimestamp" in pod["metadata"] for pod in current[0].get("Pod", []))
            if current == last and not terminating:
                break
            last = current
        return last

    def assertStatus(self, reply, code, reason, *mentions, what=""):
        """reply is a Failure Status with this code and reason whose message (or causes) mention
        every string in mentions."""
        context = "%s -> %r" % (what, reply)
        self.assertEqual(reply.status, code, context)
        # Requests refused while their headers are read (a declared Content-Length that is
        # malformed or over the limit) carry the Status without a Content-Type header.
        self.assertTrue((reply.header("content-type") or "application/json").startswith("application/json"), context)
        status = reply.json()
        self.assertIsInstance(status, dict, context)
        self.assertEqual(status.get("kind"), "Status", context)
        self.assertEqual(status.get("apiVersion"), "v1", context)
        self.assertEqual(status.get("status"), "Failure", context)
        self.assertEqual(status.get("code"), code, context)
        self.assertEqual(status.get("reason"), reason, context)
        text = status.get("message", "") + json.dumps(status.get("details", {}).get("causes", []))
        for mention in mentions:
            self.assertIn(mention, text, context)
        return status

    def rejected(self, method, path, body, code, reason, *mentions, content_type="application/json", raw=False,
                 check_state=True):
        """Sends a hostile request and checks the precise Status and that nothing changed (the
        caller checks the state around a batch when check_state is False: the store's
        resourceVersion moves with every write, so an unchanged one proves no write at all)."""
        before = self.quiet_snapshot() if check_state else None
        if raw:
            reply = self.api.request(method, path, body, content_type)
        else:
            if body is not None and not isinstance(body, (bytes, str)):
                body = json.dumps(body)
            reply = self.api.request(method, path, body, content_type)
        status = self.assertStatus(reply, code, reason, *mentions, what="%s %s" % (method, path))
        if check_state:
            self.assertEqual(before, self.snapshot(), "%s %s changed the state" % (method, path))
            type(self).checked_version = before[1]
        type(self).checked += 1
        return status

    # ---- malformed bodies -------------------------------------------------------------------

    def test_malformed_json(self):
        cases = [
            ('{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"', "line 1, column 61"),
            ('{"apiVersion": "v1",\n "kind": "Pod",\n "metadata": {"name" "x"}}', "line 3, column 24"),
            ('{"a": }', "line 1, column 7"),
            ("{'single': 'quotes'}", "line 1, column 2"),
            ('{"a": 1} trailing', "line 1, column 12"),
            ('{"a": 01}', "line 1"),
            ('{"a": NaN}', "line 1"),
            ('{"a": "\\ud800"}', "line 1"),
        ]
        for body, where in cases:
            with self.subTest(body=body):
                self.rejected("POST", PODS, body, 400, "BadRequest", "invalid JSON", where)
        for body, problem in [("", "request body is empty"), ("   \n", "request body is empty"),
                              ("5", "must be an object"), ('"pod"', "must be an object"), ("null", "must be an object"),
                              ("[]", "must be a JSON or YAML object")]:
            with self.subTest(body=body):
                self.rejected("POST", PODS, body, 400, "BadRequest", problem)

    def test_malformed_yaml(self):
        cases = [
            ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n", "invalid YAML at line"),
            ("apiVersion: v1\n kind: Pod\n", "invalid YAML at line 2"),
            ("a: 1\na: 2\n", "duplicate key"),
            ("a: 1\n---\nb: 2\n", "one YAML document"),
            ("- 1\n- 2\n", "must be a JSON or YAML object"),
            ("just text\n", "must be an object"),
            ("a: [1, 2\n", "invalid YAML at line 2, column 1: end of sequence flow not found"),
            ("a:\n\tb: 1\n", "invalid YAML at line 2"),
            ("%YAML 9.9\n---\na: 1\n", "YAML major version too large"),
            ("? [a, b]\n: c\n", "mapping keys must be scalars"),
        ]
        for body, problem in cases:
            with self.subTest(body=body):
                self.rejected("POST", PODS, body, 400, "BadRequest", problem, content_type="application/yaml")

    def test_yaml_alias_bomb(self):
        lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
        for i in range(1, 10):
            lines.append("a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)))
        started = time.monotonic()
        self.rejected("POST", PODS, "\n".join(lines) + "\n", 400, "BadRequest", "aliases expand to more than",
                      content_type="application/yaml")
        self.assertLess(time.monotonic() - started, 5)

    def test_deeply_nested(self):
        for depth in (65, 100, 10000):
            with self.subTest(format="json", depth=depth):
                body = '{"metadata": ' + "[" * depth + "]" * depth + "}"
                started = time.monotonic()
                self.rejected("POST", PODS, body, 400, "BadRequest", "nested too deeply", "line 1")
                self.assertLess(time.monotonic() - started, 5)
            with self.subTest(format="yaml", depth=depth):
                body = "metadata: " + "[" * depth + "]" * depth + "\n"
                self.rejected("POST", PODS, body, 400, "BadRequest", "nested too deeply",
                              content_type="application/yaml")
        # Nested objects, block style.
        body = "".join("%sk%d:\n" % ("  " * i, i) for i in range(80)) + "  " * 80 + "v: 1\n"
        self.rejected("POST", PODS, body, 400, "BadRequest", "nested too deeply", content_type="application/yaml")

    def test_invalid_utf8(self):
        good = json.dumps(POD).encode()
        for bad in (b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82"):
            with self.subTest(bytes=bad):
                body = good.replace(b'"victim"', b'"vic' + bad + b'tim"')
                self.rejected("POST", PODS, body, 400, "BadRequest", "not valid UTF-8", "line 1, column", raw=True)
                self.rejected("POST", PODS, body, 400, "BadRequest", "not valid UTF-8",
                              content_type="application/yaml", raw=True)

    def test_unsupported_content_types(self):
        self.rejected("POST", PODS, json.dumps(POD), 415, "UnsupportedMediaType", "text/plain",
                      content_type="text/plain")
        self.rejected("POST", PODS, json.dumps(POD), 415, "UnsupportedMediaType", "application/x-www-form-urlencoded",
                      content_type="application/x-www-form-urlencoded")
        self.rejected("PATCH", PODS + "/victim", '{"metadata": {"labels": {"a": "b"}}}', 415, "UnsupportedMediaType",
                      "application/json", content_type="application/json")

    def test_huge_body(self):
        filler = "x" * 60
        pod = copy.deepcopy(POD)
        pod["metadata"]["name"] = "huge"
        pod["metadata"]["annotations"] = {"a%d" % i: filler for i in range(MAX_BODY // 60 + 10)}
        body = json.dumps(pod)
        self.assertGreater(len(body), MAX_BODY)
        self.rejected("POST", PODS, body, 413, "RequestEntityTooLarge", str(MAX_BODY))
        self.rejected("PUT", PODS + "/victim", body, 413, "RequestEntityTooLarge", str(MAX_BODY))
        # Far beyond the limit (and beyond what the HTTP server buffers): still the Status.
        self.rejected("POST", PODS, "[" + "0," * (2 * 1024 * 1024) + "0]", 413, "RequestEntityTooLarge",
                      str(MAX_BODY))

    # ---- wrong types, kinds, names, namespaces ----------------------------------------------

    def test_wrong_types_in_every_field(self):
        total = 0
        before = self.quiet_snapshot()
        for kind, (collection, document) in KINDS.items():
            for path, parts, value in leaf_paths(document, SERVICE_MAPS if kind == "Service" else MAPS):
                for wrong in wrong_values(value):
                    if path in INT_OR_STRING and isinstance(wrong, str):
                        continue
                    if path in SHORTHAND_OBJECT and isinstance(wrong, dict):
                        continue
                    body = replaced(document, parts, wrong)
                    if isinstance(body["metadata"], dict) and path != "metadata.name":
                        body["metadata"]["name"] = "typed"
                    with self.subTest(kind=kind, field=path, value=wrong):
                        total += 1
                        if path in IDENTITY:
                            self.rejected("POST", collection, body, 400, "BadRequest", path.split(".")[-1],
                                          check_state=False)
                        else:
                            status = self.rejected("POST", collection, body, 422, "Invalid", path, check_state=False)
                            fields = [c.get("field") for c in status["details"].get("causes", [])]
                            self.assertIn(path, fields)
                            # Updates of the existing object are rejected the same way.
                            if path != "metadata.name" and isinstance(body["metadata"], dict):
                                body["metadata"]["name"] = "victim"
                                self.rejected("PUT", collection + "/victim", body, 422, "Invalid", path,
                                              check_state=False)
        self.assertEqual(before, self.snapshot(), "the wrong-typed bodies changed the state")
        log("wrong types: %d bodies" % total)

    def test_invalid_values(self):
        cases = [
            (PODS, ["spec", "containers", 0, "ports", 0, "containerPort"], 70000, "spec.containers[0].ports[0].containerPort"),
            (PODS, ["spec", "restartPolicy"], "Sometimes", "spec.restartPolicy"),
            (PODS, ["spec", "containers"], [], "spec.containers"),
            (PODS, ["spec", "containers", 0, "image"], "", "spec.containers[0].image"),
            (PODS, ["spec", "containers", 0, "name"], "Not_A_Label", "spec.containers[0].name"),
            (PODS, ["metadata", "labels", "app"], "-bad-", "metadata.labels"),
            (PODS, ["metadata", "labels"], {"bad key!": "x"}, "metadata.labels"),
            (REPLICASETS, ["spec", "replicas"], -1, "spec.replicas"),
            (REPLICASETS, ["spec", "replicas"], 2.5, "spec.replicas"),
            (REPLICASETS, ["spec", "replicas"], 10 ** 20, "spec.replicas"),
            (REPLICASETS, ["spec", "selector"], {"matchLabels": {}}, "spec.selector"),
            (REPLICASETS, ["spec", "template", "metadata", "labels"], {"app": "other"}, "spec.template.metadata.labels"),
            (SERVICES, ["spec", "ports", 0, "port"], 0, "spec.ports[0].port"),
            (SERVICES, ["spec", "ports", 0, "protocol"], "ICMP", "spec.ports[0].protocol"),
            (SERVICES, ["spec", "type"], "Magic", "spec.type"),
            (SERVICES, ["spec", "ports"], [], "spec.ports"),
            # Security (issue 12): an image read as a podman option, what orkest cannot honour,
            # a runaway ReplicaSet, a privileged host port.
            (PODS, ["spec", "containers", 0, "image"], "--privileged", "spec.containers[0].image"),
            (PODS, ["spec", "containers", 0, "image"], "-v=/:/host", "spec.containers[0].image"),
            (PODS, ["spec", "hostNetwork"], True, "spec.hostNetwork"),
            (PODS, ["spec", "containers", 0, "securityContext"], {"privileged": True},
             "spec.containers[0].securityContext.privileged"),
            (PODS, ["spec", "containers", 0, "securityContext"], {"capabilities": {"add": ["SYS_ADMIN"]}},
             "spec.containers[0].securityContext.capabilities.add[0]"),
            (PODS, ["spec", "securityContext"], {"sysctls": [{"name": "kernel.shm_rmid_forced", "value": "1"}]},
             "spec.securityContext.sysctls"),
            # The host's root as a volume: no folder of security.hostPathAllowed holds it.
            (PODS, ["spec", "volumes"], [{"name": "root", "hostPath": {"path": "/"}}], "spec.volumes[0].hostPath.path"),
            (REPLICASETS, ["spec", "replicas"], 2147483647, "spec.replicas"),
            (SERVICES, ["spec", "ports", 0, "port"], 22, "spec.ports[0].port"),
        ]
        documents = {PODS: POD, REPLICASETS: REPLICASET, SERVICES: SERVICE}
        for collection, parts, value, field in cases:
            with self.subTest(field=field, value=value):
                body = replaced(documents[collection], parts, value)
                body["metadata"]["name"] = "invalid"
                status = self.rejected("POST", collection, body, 422, "Invalid", field)
                self.assertIn(field, [c["field"].split("[")[0] if field.endswith("labels") else c["field"]
                                      for c in status["details"]["causes"]])

    def test_a_pod_claiming_a_host_address_never_becomes_an_endpoint(self):
        """A client rewrote a pod's status.podIP to 127.0.0.1 and the Service forwarded to the
        host's loopback (orkest's own API answered through it): only pod network addresses are
        endpoints."""
        pod = replaced(POD, ["metadata", "name"], "claimant")
        pod["metadata"]["labels"] = {"app": "claim"}
        service = replaced(SERVICE, ["metadata", "name"], "claim")
        service["spec"]["selector"] = {"app": "claim"}
        service["spec"]["ports"][0]["port"] = 18081
        endpoints_path = "/api/v1/namespaces/default/endpoints/claim"

        def endpoint_ips():
            reply = self.api.get(endpoints_path)
            if reply.status != 200:
                return []
            return [a["ip"] for subset in reply.json().get("subsets", []) for a in subset.get("addresses", [])]

        try:
            self.assertEqual(self.api.post(PODS, pod).status, 201)
            self.assertEqual(self.api.post(SERVICES, service).status, 201)
            self.assertTrue(eventually(lambda: len(endpoint_ips()) == 1, 10), "the pod never became an endpoint")
            real_ip = endpoint_ips()[0]
            for address in ("127.0.0.1", "169.254.169.254", "0.0.0.0"):
                reply = self.api.patch(PODS + "/claimant/status", {"status": {"podIP": address}})
                self.assertEqual(reply.status, 200, reply)
                # The controller publishes within milliseconds of a pod change: 1 s of samples
                # would see the address if it were ever taken.
                deadline = time.monotonic() + 1.0
                while time.monotonic() < deadline:
                    self.assertNotIn(address, endpoint_ips())
                    time.sleep(0.05)
            log("a pod claiming host addresses (real %s) never became an endpoint" % real_ip)
        finally:
            self.api.delete(SERVICES + "/claim")
            self.api.request("DELETE", PODS + "/claimant?gracePeriodSeconds=0")

    def test_unknown_kinds(self):
        body = {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr"}, "spec": {"limits": []}}
        for path in ("/api/v1/namespaces/default/limitranges", "/apis/apps/v1/namespaces/default/statefulsets",
                     "/apis/frobnicate.io/v1/namespaces/default/widgets"):
            with self.subTest(path=path):
                self.rejected("POST", path, body, 404, "NotFound", "could not find the requested resource")
                self.rejected("GET", path, None, 404, "NotFound", "could not find the requested resource")
        # (A kind in another case, "pod", or none at all is taken from the URL: test_forgiving_api.)
        for kind in ("ConfigMap", "Frobnicator", "podd"):
            with self.subTest(kind=kind):
                self.rejected("POST", PODS, dict(POD, kind=kind), 400, "BadRequest", "kind", json.dumps(kind), "pods")

    def test_body_kind_must_match_url(self):
        for collection, body, kind in [(PODS, REPLICASET, "ReplicaSet"), (SERVICES, POD, "Pod"),
                                       (REPLICASETS, SERVICE, "Service"), (REPLICASETS, POD, "Pod"),
                                       (SERVICES, REPLICASET, "ReplicaSet")]:
            with self.subTest(collection=collection, kind=kind):
                self.rejected("POST", collection, dict(body, metadata={"name": "mismatch"}), 400, "BadRequest",
                              '"%s"' % kind, "does not match")
        # apiVersion too.
        self.rejected("POST", PODS, dict(POD, apiVersion="apps/v1"), 400, "BadRequest", "apiVersion", "apps/v1")
        self.rejected("POST", REPLICASETS, dict(REPLICASET, apiVersion="v1"), 400, "BadRequest", "apiVersion")
        # PUT of a body of another kind.
        self.rejected("PUT", PODS + "/victim", dict(SERVICE, metadata={"name": "victim"}), 400, "BadRequest",
                      '"Service"', "does not match")

    def test_service_posted_to_pods_is_accepted(self):
        body = dict(SERVICE, metadata={"name": "users-example"})
        body["spec"] = dict(SERVICE["spec"], ports=[{"port": 18081, "targetPort": 5000}])
        reply = self.api.post(PODS, body)
        self.assertEqual(reply.status, 201, reply)
        self.assertEqual(reply.json()["kind"], "Service")
        self.assertIn("/services", reply.header("warning") or "")
        self.assertEqual(self.api.delete(SERVICES + "/users-example").status, 200)

    def test_names(self):
        for collection, document, limit, rule in [(PODS, POD, 253, "RFC 1123 subdomain"),
                                                  (REPLICASETS, REPLICASET, 253, "RFC 1123 subdomain"),
                                                  (SERVICES, SERVICE, 63, "DNS-1035 label")]:
            for name, problem in [("a" * (limit + 1), "must be no more than %d characters" % limit),
                                  ("Upper", rule), ("under_score", rule), ("-lead", rule), ("trail-", rule),
                                  ("sp ace", rule), ("dot..dot", rule), ("nul\u0000byte", rule), ("caf\u00e9", rule)]:
                with self.subTest(collection=collection, name=name[:20]):
                    body = dict(document, metadata=dict(document["metadata"], name=name))
                    self.rejected("POST", collection, body, 422, "Invalid", "metadata.name", problem)
            with self.subTest(collection=collection, name="(none)"):
                body = dict(document, metadata={"labels": {"app": "web"}})
                self.rejected("POST", collection, body, 422, "Invalid", "metadata.name", "name or generateName is required")
        # Services' names are DNS labels: no dots.
        self.rejected("POST", SERVICES, dict(SERVICE, metadata={"name": "a.b"}), 422, "Invalid", "metadata.name")

    def test_name_in_url_and_body_differ(self):
        body = dict(POD, metadata=dict(POD["metadata"], name="other"))
        self.rejected("PUT", PODS + "/victim", body, 400, "BadRequest", "other", "victim")

    def test_namespace_in_body_differs_from_url(self):
        for collection, document in [(PODS, POD), (REPLICASETS, REPLICASET), (SERVICES, SERVICE)]:
            body = dict(document, metadata=dict(document["metadata"], name="elsewhere", namespace="kube-system"))
            with self.subTest(collection=collection):
                self.rejected("POST", collection, body, 400, "BadRequest", "namespace", "does not match")
                body["metadata"]["name"] = "victim"
                self.rejected("PUT", collection + "/victim", body, 400, "BadRequest", "namespace", "does not match")
        # Invalid namespaces in the URL.
        self.rejected("POST", "/api/v1/namespaces/Bad_NS/pods", POD, 404, "NotFound", "Bad_NS")
        self.rejected("GET", "/api/v1/namespaces/" + "n" * 64 + "/pods", None, 404, "NotFound")

    # ---- verbs ------------------------------------------------------------------------------

    def test_put_of_missing_object(self):
        for collection, document in [(PODS, POD), (REPLICASETS, REPLICASET), (SERVICES, SERVICE)]:
            body = dict(document, metadata=dict(document["metadata"], name="ghost"))
            with self.subTest(collection=collection):
                status = self.rejected("PUT", collection + "/ghost", body, 404, "NotFound", '"ghost" not found')
                self.assertEqual(status["details"]["name"], "ghost")
                self.rejected("PATCH", collection + "/ghost", '{"metadata": {"labels": {"a": "b"}}}', 404, "NotFound",
                              '"ghost" not found', content_type="application/merge-patch+json")
                self.rejected("GET", collection + "/ghost", None, 404, "NotFound", '"ghost" not found')

    def test_delete_twice(self):
        for collection, document in [(PODS, POD), (REPLICASETS, REPLICASET), (SERVICES, SERVICE)]:
            body = dict(document, metadata=dict(document["metadata"], name="twice"))
            if collection == SERVICES:
                body["spec"] = dict(SERVICE["spec"], ports=[{"port": 18082, "targetPort": 5000}])
            with self.subTest(collection=collection):
                self.assertEqual(self.api.post(collection, body).status, 201)
                suffix = "?gracePeriodSeconds=0" if collection == PODS else ""
                first = self.api.delete(collection + "/twice" + suffix)
                self.assertEqual(first.status, 200, first)
                self.rejected("DELETE", collection + "/twice" + suffix, None, 404, "NotFound", '"twice" not found')

    def test_methods_not_allowed(self):
        self.rejected("POST", PODS + "/victim", POD, 405, "MethodNotAllowed", "not allow")
        self.rejected("PUT", PODS, POD, 405, "MethodNotAllowed", "not allow")
        self.rejected("POST", "/api/v1/pods", POD, 405, "MethodNotAllowed", "not allow")

    def test_malformed_patches(self):
        victim = PODS + "/victim"
        self.rejected("PATCH", victim, '[{"op": "frobnicate", "path": "/metadata"}]', 422, "Invalid", "frobnicate",
                      content_type="application/json-patch+json")
        self.rejected("PATCH", victim, '{"op": "add"}', 400, "BadRequest", "array",
                      content_type="application/json-patch+json")
        self.rejected("PATCH", victim, '[{"op": "test", "path": "/metadata/name", "value": "nope"}]', 422, "Invalid",
                      "test", content_type="application/json-patch+json")
        self.rejected("PATCH", victim, '{"spec": {"containers": "none"}}', 422, "Invalid", "spec.containers",
                      content_type="application/merge-patch+json")
        self.rejected("PATCH", victim, '{"metadata": {"name": "renamed"}}', 400, "BadRequest", "renamed",
                      content_type="application/merge-patch+json")
        self.rejected("PATCH", victim, '{"spec": {"containers": [{"name": "main", "image": 5}]}}', 422, "Invalid",
                      "spec.containers[0].image", content_type="application/strategic-merge-patch+json")
        self.rejected("PATCH", victim, "{", 400, "BadRequest", "invalid JSON",
                      content_type="application/merge-patch+json")

    def test_stale_resource_version(self):
        current = self.api.get(REPLICASETS + "/victim").json()
        stale = copy.deepcopy(current)
        stale["metadata"]["resourceVersion"] = "1"
        stale["spec"]["replicas"] = 0
        stale["metadata"]["labels"]["touched"] = "yes"
        self.rejected("PUT", REPLICASETS + "/victim", stale, 409, "Conflict", "the object has been modified")
        stale["metadata"]["resourceVersion"] = "not-a-number"
        self.rejected("PUT", REPLICASETS + "/victim", stale, 409, "Conflict", "the object has been modified")

    # ---- query parameters -------------------------------------------------------------------

    def test_query_parameters(self):
        # Unknown parameters are ignored, as Kubernetes does.
        for path in (PODS + "?frobnicate=1", PODS + "/victim?pretty=true&foo=bar", PODS + "?=&&a"):
            with self.subTest(path=path):
                self.assertEqual(self.api.get(path).status, 200)
        # Known ones with malformed values are 400 naming the parameter.
        self.rejected("GET", PODS + "?labelSelector=app%20in%20(", None, 400, "BadRequest", "labelSelector")
        self.rejected("GET", PODS + "?labelSelector=a%3D%3D%3Db", None, 400, "BadRequest", "labelSelector")
        # orkest's field selectors take any dotted path (a superset of Kubernetes' per-kind field
        # labels); a term without an operator is malformed.
        self.rejected("GET", PODS + "?fieldSelector=nonsense", None, 400, "BadRequest", "fieldSelector", "nonsense")
        self.rejected("DELETE", PODS + "/victim?gracePeriodSeconds=soon", None, 400, "BadRequest", "gracePeriodSeconds")
        self.rejected("DELETE", PODS + "/victim?gracePeriodSeconds=99999999999999999999999", None, 400, "BadRequest",
                      "gracePeriodSeconds")
        self.rejected("GET", PODS + "?watch=true&resourceVersion=abc", None, 400, "BadRequest", "resourceVersion")
        # fieldValidation, as Kubernetes 1.27+: Strict refuses unknown fields naming them,
        # an unknown mode is 400; without it unknown fields are a Warning header.
        typo = dict(POD, metadata={"name": "typo"})
        typo["spec"] = dict(POD["spec"], containers=[dict(POD["spec"]["containers"][0], imagee="x")])
        self.rejected("POST", PODS + "?fieldValidation=Strict", typo, 400, "BadRequest",
                      "spec.containers[0].imagee")
        self.rejected("POST", PODS + "?fieldValidation=Sometimes", typo, 400, "BadRequest", "fieldValidation")
        self.rejected("PATCH", PODS + "/victim?fieldValidation=Strict", '{"spec": {"frobnicate": 1}}', 400,
                      "BadRequest", "spec.frobnicate", content_type="application/merge-patch+json")
        # A malformed DeleteOptions body.
        self.rejected("DELETE", PODS + "/victim", '{"gracePeriodSeconds": "soon"}', 400, "BadRequest",
                      "gracePeriodSeconds")
        self.rejected("DELETE", PODS + "/victim", "[1]", 400, "BadRequest", "DeleteOptions")

    def test_paths(self):
        for path in ("/api/v1/namespaces/default/pods/victim/frobnicate", "/api/v9/pods", "/apis", "/../../etc/passwd",
                     "/api/v1/namespaces/default/pods/%zz", "/api/v1/namespaces//pods", "/" + "a/" * 2000):
            with self.subTest(path=path[:60]):
                reply = self.api.get(path)
                if reply.status == 200:  # discovery documents
                    continue
                self.assertStatus(reply, 404, "NotFound", what=path[:60])

    # ---- slow and truncated requests --------------------------------------------------------

    def raw_connection(self):
        s = socket.create_connection(("127.0.0.1", self.orkest.port), timeout=READ_TIMEOUT + 10)
        return s

    def read_all(self, s):
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            data += chunk
        return data

    def read_response(self, s):
        """One HTTP response (head, body) as soon as it is complete; what came when the
        connection closes or times out first."""
        data = b""
        while True:
            head, separator, body = data.partition(b"\r\n\r\n")
            if separator:
                lengths = [int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")]
                if lengths and len(body) >= lengths[0]:
                    return head, body[:lengths[0]]
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                chunk = b""
            if not chunk:
                return head, body
            data += chunk

    def test_truncated_body_times_out(self):
        fds_before = harness.fd_count(self.orkest.pid)
        before = self.quiet_snapshot()
        body = json.dumps(dict(POD, metadata={"name": "truncated"})).encode()
        s = self.raw_connection()
        started = time.monotonic()
        s.sendall(b"POST " + PODS.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(body) + body[:len(body) // 2])
        answer = self.read_all(s)  # until orkest closes the connection
        elapsed = time.monotonic() - started
        s.close()
        # Pistache 0.0.5 answers read timeouts itself: 408 with an empty body, then it closes.
        self.assertTrue(answer.startswith(b"HTTP/1.1 408"), answer[:200])
        self.assertLess(elapsed, READ_TIMEOUT + 3)
        self.assertEqual(self.snapshot(), before)
        self.assertTrue(eventually(lambda: harness.fd_count(self.orkest.pid) <= fds_before, 5))
        log("truncated body: 408 after %.2f s, connection closed" % elapsed)

    def test_a_watch_outlives_the_read_timeout_and_ends_cleanly(self):
        # The read timeout is for receiving requests. Pistache 0.0.5 applied it to a streaming
        # answer too: it wrote a 408 into the watch and dropped the connection. A watch lasts
        # api.watchTimeoutSeconds, delivering events all along, and ends with its last chunk.
        s = self.raw_connection()
        started = time.monotonic()
        s.sendall(b"GET " + PODS.encode() + b"?watch=true&timeoutSeconds=30 HTTP/1.1\r\nHost: x\r\n\r\n")
        created = False
        answer = b""
        s.settimeout(0.2)
        while not answer.endswith(b"\r\n0\r\n\r\n") and time.monotonic() - started < WATCH_TIMEOUT + 5:
            if not created and time.monotonic() - started > READ_TIMEOUT + 1.5:
                witness = dict(POD, metadata={"name": "watch-witness"})
                self.assertEqual(self.api.post(PODS, witness).status, 201)
                created = True
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                break
            answer += chunk
        elapsed = time.monotonic() - started
        s.close()
        if created:
            self.assertEqual(self.api.delete(PODS + "/watch-witness").status, 200)
        self.assertTrue(answer.startswith(b"HTTP/1.1 200"), answer[:200])
        self.assertNotIn(b"HTTP/1.1 408", answer)
        self.assertIn(b'"name":"watch-witness"', answer, "no event after the read timeout")
        self.assertTrue(answer.endswith(b"\r\n0\r\n\r\n"), answer[-200:])
        self.assertGreater(elapsed, WATCH_TIMEOUT - 0.5)
        self.assertLess(elapsed, WATCH_TIMEOUT + 3)
        log("watch with timeoutSeconds=30: event after the read timeout (%d s), ended cleanly after %.2f s "
            "(watch timeout %d s)" % (READ_TIMEOUT, elapsed, WATCH_TIMEOUT))

    def test_slow_headers_time_out(self):
        s = self.raw_connection()
        started = time.monotonic()
        s.sendall(b"GET " + PODS.encode() + b" HTTP/1.1\r\nHost: x\r\n")
        answer = self.read_all(s)
        elapsed = time.monotonic() - started
        s.close()
        self.assertTrue(answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:200])
        self.assertLess(elapsed, READ_TIMEOUT + 3)

    def test_many_stalled_connections_do_not_block_others(self):
        fds_before = harness.fd_count(self.orkest.pid)
        stalled = []
        for i in range(100):
            s = self.raw_connection()
            if i % 2:
                s.sendall(b"POST " + PODS.encode() + b" HTTP/1.1\r\nContent-Length: 1000\r\n\r\n{")
            else:
                s.sendall(b"GET /api/v1/pods HTTP/1.1\r\nHost: x")
            stalled.append(s)
        started = time.monotonic()
        reply = self.api.get(PODS + "/victim")
        self.assertEqual(reply.status, 200, reply)
        self.assertLess(time.monotonic() - started, 1.0, "stalled connections delay other clients")
        peak = harness.fd_count(self.orkest.pid)
        answered = 0
        for s in stalled:
            answered += self.read_all(s).startswith(b"HTTP/1.1 408")
            s.close()
        self.assertTrue(eventually(lambda: harness.fd_count(self.orkest.pid) <= fds_before, 5),
                        "descriptors: %d before, %d now" % (fds_before, harness.fd_count(self.orkest.pid)))
        log("100 stalled connections: others answered at once, %d got 408, orkest descriptors %d -> %d -> %d"
            % (answered, fds_before, peak, harness.fd_count(self.orkest.pid)))

    def test_malformed_content_length(self):
        post = b"POST " + PODS.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        for value, code, mention in [(b"-5", 400, "Content-Length"), (b"abc", 400, "Content-Length"),
                                     (b"1e3", 400, "Content-Length"), (b"99999999999999999999999", 400, "Content-Length"),
                                     (b"18446744073709551615", 400, "Content-Length"),
                                     (b"9999999999", 413, str(MAX_BODY))]:
            with self.subTest(value=value):
                before = self.quiet_snapshot()
                s = self.raw_connection()
                s.sendall(post + b"Content-Length: " + value + b"\r\n\r\n{}")
                head, body = self.read_response(s)
                s.close()
                self.assertTrue(head.startswith(b"HTTP/1.1 %d" % code), head[:300])
                status = json.loads(body)
                self.assertEqual((status["kind"], status["code"]), ("Status", code))
                self.assertIn(mention, status["message"])
                self.assertEqual(self.snapshot(), before)
                type(self).checked += 1

    def test_garbage_request_lines(self):
        post = b"POST /api/v1/namespaces/default/pods HTTP/1.1\r\n"
        for garbage in (b"\x00\x01\x02\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                        b"GET " + b"/a" * 40000 + b" HTTP/1.1\r\n\r\n",
                        post + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
                        post + b"Content-Length: 5\r\nContent-Length: 7\r\n\r\n{}"):
            with self.subTest(garbage=garbage[:30]):
                before = self.quiet_snapshot()
                s = self.raw_connection()
                try:
                    s.sendall(garbage)
                except OSError:
                    pass
                head, body = self.read_response(s)
                s.close()
                if head:
                    code = int(head.split(b" ", 2)[1])
                    self.assertTrue(400 <= code < 500, head[:200] + body[:200])
                self.assertEqual(self.snapshot(), before)
        self.assertEqual(self.api.get("/healthz").status, 200)


if __name__ == "__main__":
    BINARY = harness.orkest_binary(sys.argv)
    unittest.main(verbosity=2)
