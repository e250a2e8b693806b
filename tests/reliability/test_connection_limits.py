#!/usr/bin/env python3
"""What a client can hold of the API server, bounded before authentication costs anything
(issue 12), against a real orkest (fake runtime) with small limits:

- a request head (request line and headers) over 64 KiB is answered 414 or 431 at once, in
  linear time, and other clients keep being served (1 MB of headers once held a worker thread
  for 5 s, two 2.9 MB URLs left /healthz unanswered for over 2 minutes);
- connections beyond api.maxConnections get a 503 Status and are closed, and once they are gone
  new clients are served again (20,000 idle connections once took every descriptor);
- a keep-alive connection idle for api.idleTimeoutSeconds is closed once its server thread is busy,
  while a watch on another connection stays open;
- watches beyond api.maxWatches get 429 TooManyRequests with Retry-After.
"""

import json
import select
import socket
import subprocess
import sys
import threading
import time
import unittest

import harness
from harness import PODS, eventually, log

BINARY = None
MAX_CONNECTIONS = 40
MAX_WATCHES = 3
IDLE_TIMEOUT = 2
HEAD_LIMIT = 64 * 1024


def read_response(s, limit=10.0):
    """(status code, parsed JSON body or None) of one response, or (0, None) if the connection
    ended without one."""
    s.settimeout(limit)
    data = b""
    while True:
        head, separator, body = data.partition(b"\r\n\r\n")
        if separator:
            lengths = [int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")]
            if lengths and len(body) >= lengths[0]:
                body = body[:lengths[0]]
                return int(head.split(b" ", 2)[1]), (json.loads(body) if body.startswith(b"{") else body)
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            chunk = b""
        if not chunk:
            return (int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0), None
        data += chunk


def closed_by_server(s, limit):
    """Whether the server closes s within limit seconds (reading EOF or a reset)."""
    s.settimeout(limit)
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def closed_by_server_without_reading(s, server_port):
    """Whether the server shut the connection down, without reading what it sent: the FIN
    queues behind the unread data, so only the server's own socket shows it, no longer
    ESTABLISHED (ss lists it FIN-WAIT-1)."""
    _, local_port = s.getsockname()
    listed = subprocess.run(["ss", "-tnH", "state", "established",
                             "( sport = :%d and dport = :%d )" % (server_port, local_port)],
                            capture_output=True, text=True, check=True)
    return not listed.stdout.strip()


class ConnectionLimitsTest(harness.SharedOrkestTestCase):
    @classmethod
    def setUpClass(cls):
        with harness.shared_orkest(cls, BINARY, runtime="fake", name="limits",
                                   api={"maxConnections": MAX_CONNECTIONS, "maxWatches": MAX_WATCHES,
                                        "idleTimeoutSeconds": IDLE_TIMEOUT, "threads": 2}):
            cls.api = cls.orkest.client(timeout=10.0)

    def connect(self):
        return socket.create_connection(("127.0.0.1", self.orkest.port), timeout=10)

    def healthz_seconds(self):
        started = time.monotonic()
        reply = self.api.get("/healthz")
        self.assertEqual(reply.status, 200, reply)
        return time.monotonic() - started

    def test_large_heads_are_refused_at_once_while_others_are_served(self):
        cases = [
            (b"GET /api/v1/pods?x=" + b"a" * (1024 * 1024) + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "RequestURITooLong"),
            (b"GET /api/v1/pods HTTP/1.1\r\nHost: x\r\nX-Filler: " + b"a" * (1024 * 1024) + b"\r\n\r\n", 431,
             "RequestHeaderFieldsTooLarge"),
            (b"GET /api/v1/pods HTTP/1.1\r\n" + b"X-Many: a\r\n" * 20000 + b"\r\n", 431, "RequestHeaderFieldsTooLarge"),
        ]
        for request, code, reason in cases:
            with self.subTest(code=code, size=len(request)):
                status, body, elapsed = self.answer_while_sending(request)
                self.assertEqual(status, code)
                self.assertEqual((body["kind"], body["code"], body["reason"]), ("Status", code, reason))
                self.assertLess(elapsed, 0.5, "the refusal took %.3f s" % elapsed)
                log("%d bytes of head: %d after %.1f ms" % (len(request), code, elapsed * 1000))
        # Many clients sending oversized heads at once do not stop the API.
        def flood():
            for _ in range(5):
                s = self.connect()
                self.send_ignoring_errors(s, b"GET /" + b"a" * (3 * 1024 * 1024) + b" HTTP/1.1\r\n\r\n")
                read_response(s, 5)
                s.close()
        flooders = [threading.Thread(target=flood, daemon=True) for _ in range(4)]
        for flooder in flooders:
            flooder.start()
        worst = max(self.healthz_seconds() for _ in range(20))
        for flooder in flooders:
            flooder.join(60)
        self.assertLess(worst, 1.0, "/healthz took %.3f s during the flood" % worst)
        log("20 oversized 3 MiB request lines from 4 clients: /healthz at most %.1f ms" % (worst * 1000))

    def test_bodies_over_the_limit_get_413_at_once_however_sent(self):
        """A chunked body over api.maxBodyBytes was buffered and never answered: the client
        waited for its own timeout."""
        post = b"POST " + PODS.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        for size in (8 << 20, 64 << 20):
            chunked = post + b"Transfer-Encoding: chunked\r\n\r\n"
            body = b"".join(b"%x\r\n" % (1 << 20) + b"a" * (1 << 20) + b"\r\n" for _ in range(size >> 20)) + b"0\r\n\r\n"
            for framing, request in (("chunked", chunked + body),
                                     ("Content-Length", post + b"Content-Length: %d\r\n\r\n" % size + b"a" * size)):
                with self.subTest(size=size, framing=framing):
                    status, reply, elapsed = self.answer_while_sending(request)
                    self.assertEqual(status, 413)
                    self.assertEqual(reply["reason"], "RequestEntityTooLarge")
                    self.assertLess(elapsed, 1.0, "the refusal took %.3f s" % elapsed)
                    log("%d MiB body, %s: 413 after %.1f ms" % (size >> 20, framing, elapsed * 1000))
        self.assertEqual(self.api.get("/healthz").status, 200)

    def answer_while_sending(self, request):
        """(status, body, seconds) of the answer to request, sent from another thread: the server
        answers and closes before all of it is sent."""
        s = self.connect()
        started = time.monotonic()
        sender = threading.Thread(target=lambda: self.send_ignoring_errors(s, request), daemon=True)
        sender.start()
        status, body = read_response(s)
        elapsed = time.monotonic() - started
        s.close()
        sender.join(10)
        return status, body, elapsed

    def send_ignoring_errors(self, s, data):
        try:
            s.sendall(data)
        except OSError:
            pass

    def test_connections_beyond_the_cap_get_503_and_are_closed(self):
        held = []
        try:
            for _ in range(MAX_CONNECTIONS + 10):
                held.append(self.connect())
            # The server takes connections on several threads, so which ones are over the cap
            # is not their order: at least 10 get a 503 Status and the end of the stream (more
            # when a refused connection of an earlier test still lingers), and none of the
            # others is answered before it asks.
            answered = set()
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                readable, _, _ = select.select([s for s in held if s not in answered], [], [], 0.5)
                if not readable and len(answered) >= 10:
                    break
                answered.update(readable)
            statuses = [read_response(s, 5) for s in answered]
            self.assertGreaterEqual(len(statuses), 10)
            self.assertLessEqual(len(statuses), 12)
            self.assertEqual({status for status, _ in statuses}, {503})
            self.assertTrue(all(body["reason"] == "ServiceUnavailable" for _, body in statuses))
            # Within the cap, a connection is served.
            served = next(s for s in held if s not in answered)
            served.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(read_response(served, 5)[0], 200)
        finally:
            for s in held:
                s.close()
        # Once they are gone, new clients are served again.
        self.assertTrue(eventually(lambda: self.api.get("/healthz").status == 200, 5))
        log("%d connections: %d refused with 503" % (MAX_CONNECTIONS + 10, len(statuses)))

    def test_idle_keep_alive_connections_are_closed_but_watches_stay(self):
        watch = self.connect()
        watch.sendall(b"GET " + PODS.encode() + b"?watch=true&timeoutSeconds=30 HTTP/1.1\r\nHost: x\r\n\r\n")
        idle = self.connect()
        idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertEqual(read_response(idle, 5)[0], 200)
        time.sleep(IDLE_TIMEOUT + 1.1)  # the idle timeout itself is what this test waits out
        # Idle connections are closed when their server thread is busy again: new clients, each
        # on a new connection, reach every thread.
        for _ in range(6):
            self.assertEqual(self.api.get("/healthz").status, 200)
        self.assertTrue(closed_by_server(idle, 5), "an idle keep-alive connection stayed open")
        self.assertFalse(closed_by_server(watch, 0.5), "the watch was closed as idle")
        watch.close()
        idle.close()

    def test_watches_beyond_the_cap_get_429(self):
        watches = []
        try:
            for _ in range(MAX_WATCHES):
                s = self.connect()
                s.sendall(b"GET " + PODS.encode() + b"?watch=true&timeoutSeconds=30 HTTP/1.1\r\nHost: x\r\n\r\n")
                s.settimeout(5)
                self.assertTrue(s.recv(4096).startswith(b"HTTP/1.1 200"))
                watches.append(s)
            reply = self.api.get(PODS + "?watch=true&timeoutSeconds=30")
            self.assertEqual(reply.status, 429, reply)
            self.assertEqual(reply.json()["reason"], "TooManyRequests")
            self.assertEqual(reply.header("retry-after"), "1")
            self.assertEqual(self.api.get(PODS).status, 200)  # plain requests are not limited
        finally:
            for s in watches:
                s.close()
        # A watch that ended frees its place.
        self.assertTrue(eventually(lambda: self.watch_starts(), 5))

    def test_a_watcher_that_never_reads_is_closed(self):
        """One watcher that never read once grew orkest's memory without limit: past 16 MiB
        unread, its stream is closed, as Kubernetes closes a watcher too slow to keep up."""
        stalled = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # little room in the kernel
        stalled.connect(("127.0.0.1", self.orkest.port))
        stalled.sendall(b"GET " + PODS.encode() + b"?watch=true&timeoutSeconds=120 HTTP/1.1\r\nHost: x\r\n\r\n")
        pod = harness.pod_manifest("chatty")
        self.assertEqual(self.api.post(PODS, pod).status, 201)
        filler = "x" * (200 * 1024)
        updates = 0
        try:
            # 200 KiB per event: 16 MiB unread after about 80 of them, whatever the kernel buffers.
            while updates < 400 and not closed_by_server_without_reading(stalled, self.orkest.port):
                reply = self.api.patch(PODS + "/chatty", {"metadata": {"annotations": {"filler": filler + str(updates)}}})
                self.assertEqual(reply.status, 200, reply)
                updates += 1
            self.assertLess(updates, 400, "the stalled watch was never closed")
            log("a watcher that never reads: closed after %d events of 200 KiB" % updates)
        finally:
            stalled.close()
            self.api.request("DELETE", PODS + "/chatty?gracePeriodSeconds=0")

    def test_an_object_over_one_and_a_half_mib_is_refused(self):
        pod = harness.pod_manifest("huge")
        pod["spec"]["containers"][0]["args"] = ["x" * (1600 * 1024)]
        reply = self.api.post(PODS, pod)
        self.assertEqual(reply.status, 413, reply)
        self.assertEqual(reply.json()["reason"], "RequestEntityTooLarge")
        self.assertIn("1572864", reply.json()["message"])
        self.assertEqual(self.api.get(PODS + "/huge").status, 404)

    def watch_starts(self):
        s = self.connect()
        try:
            s.sendall(b"GET " + PODS.encode() + b"?watch=true&timeoutSeconds=1 HTTP/1.1\r\nHost: x\r\n\r\n")
            s.settimeout(5)
            return s.recv(4096).startswith(b"HTTP/1.1 200")
        finally:
            s.close()


if __name__ == "__main__":
    BINARY = harness.orkest_binary(sys.argv)
    unittest.main(verbosity=2)
