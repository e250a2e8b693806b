#!/usr/bin/env python3
"""Security basics: bearer-token authentication over HTTPS (a self-signed certificate made with
openssl here), with a real orkest (fake runtime).

- requests without the token, with a wrong one, another scheme, or the token with something
  added or missing get 401 with the Unauthorized Status as their whole body, on every path
  (existing or not, reads and writes): nothing else leaks (no object names, no difference
  between paths that exist and paths that do not), and no write happens;
- /healthz, /readyz and /livez stay open;
- plain HTTP to the HTTPS port gets no API answer;
- kubectl with --token lists the pods; with a wrong token it reports Unauthorized;
- the default configuration binds the API to 127.0.0.1.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

import harness
from harness import PODS, REPLICASETS, SERVICES

BINARY = None
TOKEN = "rel-7f3c1e9a4b2d6058c1e3a9f7b5d2c4e6"
SECRET_NAME = "secret-pod-name-%d" % os.getpid()


class AuthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="orkest-rel-tls-")
        cls.cert = os.path.join(cls.folder, "cert.pem")
        cls.key = os.path.join(cls.folder, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", cls.key, "-out",
                        cls.cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        with harness.shared_orkest(cls, BINARY, runtime="fake", name="auth",
                                   api={"token": TOKEN, "tlsCertFile": cls.cert, "tlsKeyFile": cls.key}):
            cls.api = cls.orkest.client(token=TOKEN)
            reply = cls.api.post(PODS, harness.pod_manifest(SECRET_NAME, {"app": "secret"}))
            assert reply.status == 201, reply

    @classmethod
    def tearDownClass(cls):
        cls.orkest.__exit__(None, None, None)
        shutil.rmtree(cls.folder, ignore_errors=True)

    def assertUnauthorized(self, reply, what):
        self.assertEqual(reply.status, 401, "%s -> %r" % (what, reply))
        status = reply.json()
        self.assertEqual(status, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                  "message": "Unauthorized", "reason": "Unauthorized", "code": 401},
                         "%s: the body must be the Unauthorized Status and nothing else" % what)
        self.assertNotIn(SECRET_NAME.encode(), reply.body)
        self.assertNotIn("warning", reply.headers)

    def state(self):
        return [self.api.get(c).json()["items"] for c in (PODS, REPLICASETS, SERVICES)]

    def test_requests_without_the_right_token_get_401_and_nothing_else(self):
        before = self.state()
        wrong = [("none", None), ("wrong", "Bearer wrong-token"), ("empty", "Bearer "), ("scheme", "Basic " + TOKEN),
                 ("bare", TOKEN), ("prefix", "Bearer " + TOKEN[:-1]), ("suffix", "Bearer " + TOKEN + "x"),
                 ("twice", "Bearer %s Bearer %s" % (TOKEN, TOKEN)), ("space", "Bearer  " + TOKEN)]
        requests = [("GET", PODS, None), ("GET", PODS + "/" + SECRET_NAME, None), ("GET", "/api/v1/pods", None),
                    ("GET", PODS + "?watch=true", None), ("GET", PODS + "/" + SECRET_NAME + "/log", None),
                    ("GET", "/api", None), ("GET", "/apis", None), ("GET", "/version", None),
                    ("GET", "/openapi/v2", None), ("GET", "/does/not/exist", None), ("GET", "/", None),
                    ("POST", PODS, json.dumps(harness.pod_manifest("intruder"))),
                    ("PUT", PODS + "/" + SECRET_NAME, json.dumps(harness.pod_manifest(SECRET_NAME))),
                    ("PATCH", PODS + "/" + SECRET_NAME, '{"metadata": {"labels": {"owned": "yes"}}}'),
                    ("DELETE", PODS + "/" + SECRET_NAME, None), ("POST", PODS, "{not json")]
        anonymous = harness.Client(self.orkest.port, tls=True)
        checked = 0
        for label, authorization in wrong:
            for method, path, body in requests:
                headers = {"Authorization": authorization} if authorization is not None else {}
                content_type = "application/merge-patch+json" if method == "PATCH" else "application/json"
                reply = anonymous.request(method, path, body, content_type, headers=headers)
                self.assertUnauthorized(reply, "%s %s with %s token" % (method, path, label))
                checked += 1
        self.assertEqual(self.state(), before, "an unauthorized request changed the state")
        harness.log("%d unauthorized requests: 401 Unauthorized Status, nothing leaked, nothing changed" % checked)

    def test_the_right_token_works(self):
        reply = self.api.get(PODS + "/" + SECRET_NAME)
        self.assertEqual(reply.status, 200, reply)
        reply = self.api.get("/does/not/exist")
        self.assertEqual(reply.status, 404, reply)

    def test_health_checks_stay_open(self):
        anonymous = harness.Client(self.orkest.port, tls=True)
        for path in ("/healthz", "/readyz", "/livez"):
            reply = anonymous.get(path)
            self.assertEqual(reply.status, 200, "%s -> %r" % (path, reply))
            self.assertNotIn(SECRET_NAME.encode(), reply.body)

    def test_plain_http_gets_no_api_answer(self):
        with socket.create_connection(("127.0.0.1", self.orkest.port), timeout=5) as s:
            s.sendall(b"GET " + PODS.encode() + b" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN.encode() +
                      b"\r\n\r\n")
            data = b""
            try:
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            except OSError:
                pass
        self.assertNotIn(SECRET_NAME.encode(), data)
        self.assertFalse(data.startswith(b"HTTP/1.1 200"), data[:100])

    def kubectl(self, *args, token=TOKEN):
        kubeconfig = os.path.join(self.folder, "empty-kubeconfig")
        open(kubeconfig, "w").close()
        env = dict(os.environ, KUBECONFIG=kubeconfig, HOME=self.folder)
        return subprocess.run(["kubectl", "--server", "https://127.0.0.1:%d" % self.orkest.port,
                               "--insecure-skip-tls-verify", "--token", token, *args],
                              capture_output=True, text=True, timeout=60, env=env)

    @unittest.skipUnless(shutil.which("kubectl"), "kubectl is not installed")
    def test_kubectl_with_token(self):
        ok = self.kubectl("get", "pods", "-o", "name")
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertIn("pod/" + SECRET_NAME, ok.stdout)
        denied = self.kubectl("get", "pods", token="wrong")
        self.assertNotEqual(denied.returncode, 0)
        self.assertIn("Unauthorized", denied.stderr)
        self.assertNotIn(SECRET_NAME, denied.stdout + denied.stderr)

    def test_default_configuration_binds_loopback(self):
        with open(os.path.join(harness.SOURCE_DIR, "conf", "orkest.yaml")) as f:
            text = f.read()
        api = text.split("\napi:", 1)[1].split("\n\S", 1)[0] if "\napi:" in text else text.split("api:", 1)[1]
        address = [line.split(":", 1)[1].split("#")[0].strip() for line in api.splitlines()
                   if line.strip().startswith("address:")][0]
        self.assertEqual(address, "127.0.0.1")
        # And this instance listens on loopback only.
        with open("/proc/net/tcp") as f:
            listening = [line.split()[1] for line in f.readlines()[1:] if line.split()[3] == "0A"]
        mine = [entry for entry in listening if int(entry.split(":")[1], 16) == self.orkest.port]
        self.assertEqual(mine, ["0100007F:%04X" % self.orkest.port])


if __name__ == "__main__":
    BINARY = harness.orkest_binary(sys.argv)
    unittest.main(verbosity=2)
