#!/usr/bin/env python3
"""orkest's benchmarks, each side by side with its reference, in one run (bench/run.sh calls this).

Every orkest instance started here has its own API port, node name, podman network and subnet,
Service CIDR and DNS address, and is stopped, and its containers and network removed, however the
run ends. Every loop is bounded in count and time. Prints a Markdown table:

    benchmark | reference | orkest | ratio | target | met?

Exit status: 0 when every benchmark ran (whether or not its targets were met), 1 when one
could not run, 2 for bad arguments.
"""

import argparse
import http.client
import json
import os
import resource
import platform
import re
import signal
import socket
import ssl
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
IMAGE = "localhost/orkest-bench:latest"
BACKEND_PORT = 8080


class BenchError(Exception):
    pass


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values):
    return statistics.median(values) if values else float("nan")


# --------------------------------------------------------------------------------------------
# processes and podman


def podman_env():
    env = dict(os.environ)
    env.setdefault("CONTAINERS_CONF", os.path.join(ROOT, "conf", "containers.conf"))
    return env


def run(args, timeout, check=True, env=None, input=None):
    """Runs a command to completion (bounded by `timeout` seconds); returns its stdout."""
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env or podman_env(),
                              input=input)
    except subprocess.TimeoutExpired:
        raise BenchError(f"{args[0]} {' '.join(args[1:3])} ... took more than {timeout} s")
    if check and done.returncode != 0:
        raise BenchError(f"{' '.join(args[:4])} ... failed ({done.returncode}): {done.stderr.strip()[:400]}")
    return done.stdout


def podman(*args, timeout=120, check=True):
    return run(["podman", *args], timeout=timeout, check=check)


def remove_containers(label_filter, timeout=180):
    """Removes every container (running or not) whose labels match `label_filter` (k=v)."""
    ids = podman("ps", "-aq", "--filter", f"label={label_filter}", timeout=60, check=False).split()
    for i in range(0, len(ids), 50):
        podman("rm", "-f", "-t", "0", "--ignore", *ids[i:i + 50], timeout=timeout, check=False)


def remove_network(network):
    """Removes a podman network with what is left on it, the bridge interface included."""
    try:
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "remove-pod-network.sh"), network],
                       env=podman_env(), timeout=120, check=False)
    except subprocess.TimeoutExpired:
        log(f"cleanup: removing network {network} took over 120 s")


def remove_loopback_addresses(prefix):
    """Removes the addresses on lo that start with `prefix` (an orkest's Service CIDR /24): its DNS
    address and cluster IPs, left behind when it had to be killed before its own cleanup."""
    listed = subprocess.run(["ip", "-4", "-o", "addr", "show", "dev", "lo"], capture_output=True, text=True)
    for line in listed.stdout.splitlines():
        address = line.split()[3]
        if address.startswith(prefix):
            subprocess.run(["ip", "addr", "del", address, "dev", "lo"], capture_output=True)


class Cleanup:
    """What this run started, so it can all be undone: process ids, container labels, networks
    (loopback addresses go in Orkest.stop). Mirrored to files in `state_dir` for bench/run.sh's
    trap, in case this process is killed before its own cleanup runs."""

    def __init__(self, state_dir):
        self.state_dir = state_dir
        self.processes = []
        self.labels = []
        self.networks = []
        self.clusters = []

    def _append(self, name, line):
        with open(os.path.join(self.state_dir, name), "a") as f:
            f.write(line + "\n")

    def process(self, popen):
        self.processes.append(popen)
        self._append("pids", str(popen.pid))
        return popen

    def label(self, label_filter):
        self.labels.append(label_filter)
        self._append("labels", label_filter)

    def network(self, name):
        self.networks.append(name)
        self._append("networks", name)

    def cluster(self, env):
        """A simulated cluster (scripts/cluster.sh), by its environment; `down` removes it."""
        self.clusters.append(env)
        self._append("clusters", " ".join(env[k] for k in ("ORKEST_CLUSTER_NAME", "ORKEST_CLUSTER_NET",
                                                            "ORKEST_CLUSTER_DIR")))

    def stop_process(self, popen, grace=10):
        if popen.poll() is None:
            popen.send_signal(signal.SIGTERM)
            try:
                popen.wait(grace)
            except subprocess.TimeoutExpired:
                popen.kill()
                popen.wait(5)

    def all(self):
        for popen in reversed(self.processes):
            try:
                self.stop_process(popen)
            except Exception as error:  # keep cleaning
                log(f"cleanup: {error}")
        self.processes.clear()
        for label in self.labels:  # kept: removing by label again later is harmless
            try:
                remove_containers(label)
            except BenchError as error:
                log(f"cleanup: {error}")
        for network in self.networks:
            try:
                remove_network(network)
            except BenchError as error:
                log(f"cleanup: {error}")
        self.networks.clear()
        for env in self.clusters:
            try:
                run(["bash", CLUSTER_SCRIPT, "down"], timeout=300, env=env)
            except BenchError as error:
                log(f"cleanup: {error}")
        self.clusters.clear()


# --------------------------------------------------------------------------------------------
# orkest instances and its API


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_ready(pod):
    if not pod or pod.get("metadata", {}).get("deletionTimestamp"):
        return False
    status = pod.get("status", {})
    return status.get("phase") == "Running" and any(
        c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions", []))


def restart_count(pod):
    statuses = pod.get("status", {}).get("containerStatuses", [])
    return statuses[0].get("restartCount", 0) if statuses else 0


class Endpoint:
    """Where an API answers: a local orkest over HTTP on loopback, or a simulated cluster's
    server over HTTPS with its token."""

    def __init__(self, port, host="127.0.0.1", cafile=None, token=None):
        self.port, self.host, self.token = port, host, token
        self.context = ssl.create_default_context(cafile=cafile) if cafile else None

    def connection(self, timeout):
        if self.context:
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=self.context)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


class Api:
    """A keep-alive HTTP/1.1 client for one thread."""

    def __init__(self, endpoint, timeout=30):
        self.endpoint = endpoint if isinstance(endpoint, Endpoint) else Endpoint(endpoint)
        self.port = self.endpoint.port
        self.timeout = timeout
        self.conn = None

    def request(self, method, path, body=None, expect=(200, 201, 202)):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Connection": "keep-alive", **self.endpoint.headers()}
        if data is not None:
            headers["Content-Type"] = "application/json"
        for attempt in range(2):  # the server may have closed an idle connection
            if self.conn is None:
                self.conn = self.endpoint.connection(self.timeout)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                break
            except (ConnectionError, http.client.HTTPException, OSError):
                if self.conn:
                    self.conn.close()
                self.conn = None
                if attempt:
                    raise
        if expect and response.status not in expect:
            raise BenchError(f"{method} {path} -> {response.status}: {payload[:300]!r}")
        try:
            return response.status, json.loads(payload) if payload else None
        except ValueError:  # /readyz answers "ok"
            return response.status, payload.decode(errors="replace")

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None


class Orkest:
    """One orkest process with a configuration of its own."""

    def __init__(self, ctx, name, runtime="podman", index=0, storage=None):
        self.ctx = ctx
        self.storage = storage or {}
        self.name = name
        self.runtime = runtime
        self.port = free_port()
        run_id = ctx.run_id
        self.node = f"bench-{run_id}-{name}"
        self.network = f"orkest-bench-{run_id}-{name}"
        self.subnet = f"10.{200 + index}.{run_id % 250}.0/24"
        self.service_cidr = f"10.{220 + index}.{run_id % 250}.0/24"
        self.dns_ip = f"10.{220 + index}.{run_id % 250}.250"
        self.dir = os.path.join(ctx.state_dir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.config = os.path.join(self.dir, "orkest.yaml")
        self.data_dir = os.path.join(self.dir, "data")
        self.log_path = os.path.join(self.dir, "orkest.log")
        self.process = None
        self.endpoint = Endpoint(self.port)
        self.api = Api(self.endpoint)

    def start(self, timeout=60, ready_path="/api/v1/namespaces/default/pods"):
        with open(self.config, "w") as f:
            f.write(f"""api:
  address: 127.0.0.1
  port: {self.port}
log:
  level: {os.environ.get("BENCH_LOG_LEVEL", "warn")}
runtime:
  kind: {self.runtime}
  containersConf: {os.path.join(ROOT, "conf", "containers.conf")}
  network: {self.network}
  subnet: {self.subnet}
  workers: {self.ctx.workers}
cluster:
  nodeName: {self.node}
  serviceCIDR: {self.service_cidr}
  dnsIP: "{self.dns_ip}"
  maxPods: 1000000  # the API benchmark lists 1,000 pods and creates pods for 10 s on one (fake) node
storage:
  dataDir: {self.data_dir}
""" + "".join(f"  {key}: {value}\n" for key, value in self.storage.items()) + """bootstrap:
  manifests: ""
""")
        if self.runtime == "podman":
            self.ctx.cleanup.label(f"io.orkest.node={self.node}")
            self.ctx.cleanup.network(self.network)
        log_file = open(self.log_path, "w")
        self.process = self.ctx.cleanup.process(
            subprocess.Popen([self.ctx.orkest_binary, "--config", self.config], stdout=log_file, stderr=subprocess.STDOUT,
                             env=podman_env(), start_new_session=True))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"orkest {self.name} exited ({self.process.returncode}): {self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
                self.api.request("GET", ready_path)
                return self
            except (OSError, BenchError, http.client.HTTPException):
                time.sleep(0.05)
        raise BenchError(f"orkest {self.name} did not answer within {timeout} s: {self.log_tail()}")

    def log_tail(self):
        try:
            with open(self.log_path) as f:
                return " | ".join(f.read().strip().splitlines()[-5:])
        except OSError:
            return ""

    def stop(self):
        self.api.close()
        if self.process:
            self.ctx.cleanup.stop_process(self.process)
        remove_loopback_addresses(self.service_cidr.rsplit(".", 1)[0] + ".")
        if self.runtime == "podman":
            remove_containers(f"io.orkest.node={self.node}")
            remove_network(self.network)

    def proc_stat(self):
        """(utime+stime, cutime+cstime) of the orkest process in clock ticks."""
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])

    def rss_mib(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")


CLUSTER_SCRIPT = os.path.join(ROOT, "scripts", "cluster.sh")


class Cluster:
    """A simulated cluster of `nodes` machines (scripts/cluster.sh): node1 runs the server,
    the others `orkest agent`; reached over HTTPS with the join token, like any client."""

    def __init__(self, ctx, name, nodes, net, workers):
        self.dir = os.path.join(ctx.state_dir, f"cluster-{name}")
        self.env = {**os.environ, "ORKEST_CLUSTER_NAME": name, "ORKEST_CLUSTER_NET": net,
                    "ORKEST_CLUSTER_DIR": self.dir, "ORKEST_BINARY": ctx.orkest_binary,
                    "ORKEST_CLUSTER_WORKERS": str(workers)}
        self.ctx = ctx
        self.nodes = nodes
        ctx.cleanup.cluster(self.env)
        self.script("up", str(nodes), timeout=300)
        values = dict(line.split("=", 1) for line in self.script("env").splitlines() if "=" in line)
        host, port = values["ORKEST_SERVER"].split("://", 1)[1].rsplit(":", 1)
        self.endpoint = Endpoint(int(port), host, cafile=values["ORKEST_CA"], token=values["ORKEST_TOKEN"])
        self.api = Api(self.endpoint)

    def script(self, *args, timeout=120):
        return run(["bash", CLUSTER_SCRIPT, *args], timeout=timeout, env=self.env)

    def rss_mib(self, node):
        with open(os.path.join(self.dir, node, "pid")) as f:
            pid = int(f.read())
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def ready_status(self, node):
        _, found = self.api.request("GET", f"/api/v1/nodes/{node}")
        return next((c.get("status") for c in found.get("status", {}).get("conditions", [])
                     if c.get("type") == "Ready"), None)

    def down(self):
        self.api.close()
        self.script("down", timeout=300)

    def netns(self, node):
        """A command prefix that runs inside the machine `node` (its network namespace)."""
        name = self.env["ORKEST_CLUSTER_NAME"]
        return ["nsenter", f"--net=/run/netns/{name}-n{node[len('node'):]}"]

    def address(self, node):
        return f"{self.env['ORKEST_CLUSTER_NET']}.{10 + int(node[len('node'):])}"


class PodWatch:
    """The pods of one namespace and label selector as the API reports them, kept current by a
    watch (?watch=true) or, where the API has none, by polling. Each change is stamped with the
    monotonic time it arrived, so wait_for() returns when a condition first became true."""

    def __init__(self, orkest, selector, namespace="default", poll_interval=0.02, timeout=600):
        self.orkest = orkest
        self.path = f"/api/v1/namespaces/{namespace}/pods"
        self.selector = selector
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.pods = {}
        self.milestones = {}
        self.changed = threading.Condition()
        self.stamp = time.monotonic()
        self.error = None
        self.stopping = False
        self.conn = None
        self.mode = "watch"
        self.reopened = 0
        status, listing = orkest.api.request("GET", f"{self.path}?labelSelector={selector}")
        self.pods = {p["metadata"]["name"]: p for p in listing.get("items", [])}
        self.version = listing.get("metadata", {}).get("resourceVersion", "")
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            if not self._watch():
                self.mode = "poll"
                self._poll()
        except Exception as error:  # reported by wait_for
            if not self.stopping:
                self.error = error
                with self.changed:
                    self.changed.notify_all()

    def _watch(self):
        """Follows the watch; reopens it from the last resourceVersion when the server ends it
        (orkest's API ends streams after api.readTimeoutSeconds, see docs/performance.md) and
        relists when that version has expired. Returns False if the API has no watch."""
        reopened = 0
        while not self.stopping:
            self.conn = self.orkest.endpoint.connection(self.timeout)
            self.conn.request("GET", f"{self.path}?watch=true&labelSelector={self.selector}"
                              f"&resourceVersion={self.version}&timeoutSeconds={self.timeout}",
                              headers=self.orkest.endpoint.headers())
            response = self.conn.getresponse()
            if response.status != 200 or response.getheader("Transfer-Encoding", "").lower() != "chunked":
                response.read()
                self.conn.close()
                if reopened:
                    raise BenchError(f"reopening the watch failed: {response.status}")
                return False
            while not self.stopping:
                try:
                    line = response.readline()
                except (OSError, ValueError, http.client.HTTPException):
                    line = b""
                if not line or not line.strip().startswith(b"{"):
                    break  # the stream ended (or the server wrote its 408 into it): reopen
                now = time.monotonic()
                event = json.loads(line)
                kind, pod = event.get("type"), event.get("object", {})
                if kind == "ERROR":  # e.g. 410 Expired: start over from a fresh list
                    self._relist()
                    break
                if kind not in ("ADDED", "MODIFIED", "DELETED"):
                    continue
                with self.changed:
                    name = pod["metadata"]["name"]
                    self.version = pod["metadata"].get("resourceVersion", self.version)
                    self._milestones(name, pod, now)
                    if kind == "DELETED":
                        self.pods.pop(name, None)
                    else:
                        self.pods[name] = pod
                    self.stamp = now
                    self.changed.notify_all()
            self.conn.close()
            reopened += 1
            self.reopened = reopened
            if reopened > 1000:
                raise BenchError("the watch ended more than 1,000 times")
        return True

    def _milestones(self, name, pod, now):
        """When each pod was first seen, bound to a node and Ready, as this watch saw it."""
        seen = self.milestones.setdefault(name, {"seen": now})
        if "bound" not in seen and pod.get("spec", {}).get("nodeName"):
            seen["bound"] = now
            seen["node"] = pod["spec"]["nodeName"]
        if "ready" not in seen and is_ready(pod):
            seen["ready"] = now

    def _relist(self):
        api = Api(self.orkest.endpoint)
        _, listing = api.request("GET", f"{self.path}?labelSelector={self.selector}")
        api.close()
        with self.changed:
            self.pods = {p["metadata"]["name"]: p for p in listing.get("items", [])}
            self.version = listing.get("metadata", {}).get("resourceVersion", "")
            self.stamp = time.monotonic()
            self.changed.notify_all()

    def _poll(self):
        api = Api(self.orkest.endpoint)
        while not self.stopping:
            _, listing = api.request("GET", f"{self.path}?labelSelector={self.selector}")
            now = time.monotonic()
            pods = {p["metadata"]["name"]: p for p in listing.get("items", [])}
            with self.changed:
                if pods != self.pods:
                    self.pods = pods
                    self.stamp = now
                    self.changed.notify_all()
            time.sleep(self.poll_interval)

    def wait_for(self, condition, timeout, what):
        """Waits until condition(pods) holds; returns the monotonic time it became true."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                if self.error:
                    raise BenchError(f"pod watch failed: {type(self.error).__name__}: {self.error}")
                if condition(self.pods):
                    return self.stamp
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BenchError(f"timed out after {timeout} s waiting for {what}")
                self.changed.wait(min(left, 0.5))

    def stop(self):
        self.stopping = True
        if self.conn and self.conn.sock:
            try:
                self.conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.thread.join(5)


def pod_manifest(name, labels, generate=False):
    metadata = {"generateName" if generate else "name": name, "labels": labels}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": pod_spec()}


def pod_spec():
    return {"terminationGracePeriodSeconds": 1,
            "containers": [{"name": "benchd", "image": IMAGE, "imagePullPolicy": "Never",
                            "ports": [{"containerPort": BACKEND_PORT}]}]}


def replicaset_manifest(name, replicas, labels):
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": pod_spec()}}}


def delete_replicaset(orkest, watch, name, timeout=180):
    """Deletes the ReplicaSet and waits until its pods are gone from the API and their containers
    from podman: the next measurement starts on a machine as quiet as the reference's does."""
    orkest.api.request("DELETE", f"/apis/apps/v1/namespaces/default/replicasets/{name}")
    watch.wait_for(lambda pods: not pods, timeout, f"the pods of {name} to go")
    if orkest.runtime != "podman":
        return
    deadline = time.monotonic() + timeout
    while podman("ps", "-aq", "--filter", f"label=io.orkest.node={orkest.node}", timeout=60, check=False).strip():
        if time.monotonic() > deadline:
            raise BenchError(f"the containers of {name} were not removed within {timeout} s")
        time.sleep(0.2)


# --------------------------------------------------------------------------------------------
# the reference: bare podman


def reference_run(ctx, network, name, labels=()):
    args = ["podman", "run", "-d", "--network", network, "--name", name, "--label", f"io.orkest.bench={ctx.run_id}"]
    for label in labels:
        args += ["--label", label]
    return args + [IMAGE]


# --------------------------------------------------------------------------------------------
# wrk


def wrk(ctx, url, seconds, connections, threads=1, script="report.lua", headers=(), prefix=()):
    """wrk's summary; `prefix` runs it elsewhere (e.g. nsenter into a simulated node)."""
    args = [*prefix, "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
            "-s", os.path.join(BENCH, "lua", script)]
    for header in headers:
        args += ["-H", header]
    out = run(args + [url], timeout=seconds + 30, env=dict(os.environ))
    match = re.search(r"^BENCH (.*)$", out, re.M)
    if not match:
        raise BenchError(f"wrk printed no results: {out[-400:]}")
    result = {k: float(v) for k, v in (kv.split("=") for kv in match.group(1).split())}
    if result["requests"] == 0:
        raise BenchError(f"wrk made no request to {url}")
    return result


# --------------------------------------------------------------------------------------------
# results


class Row:
    def __init__(self, benchmark, reference="—", orkest="—", ratio="—", target="—", met=None):
        self.benchmark, self.reference, self.orkest, self.ratio, self.target, self.met = (
            benchmark, reference, orkest, ratio, target, met)

    def cells(self):
        met = {True: "yes", False: "**no**", None: "—"}.get(self.met, str(self.met))
        return [self.benchmark, self.reference, self.orkest, self.ratio, self.target, met]


def fmt_s(seconds):
    return f"{seconds:.3f} s"


def ratio_row(benchmark, ref_label, ref, ork, unit_fmt, limit, higher_is_better=False, ork_note=""):
    ratio = ork / ref if ref else float("nan")
    if higher_is_better:
        met = ratio >= limit
        target = f"≥ {limit:.2f}× ref"
    else:
        met = ratio <= limit
        target = f"≤ {limit:.2f}× ref"
    return Row(benchmark, f"{ref_label} {unit_fmt(ref)}", unit_fmt(ork) + ork_note, f"{ratio:.2f}", target, met)


# --------------------------------------------------------------------------------------------
# the benchmarks


def bench_podstart(ctx):
    """POST a pod -> Ready, versus `podman run -d` of the same image on the same network."""
    reps = 3 if ctx.quick else 9
    ork = ctx.orkest("podstart", index=0)
    watch = PodWatch(ork, "bench%3Dpodstart")
    times = {"orkest": [], "podman": []}

    def one_orkest(i, record=True):
        name = f"start-{i}"
        start = time.monotonic()
        ork.api.request("POST", "/api/v1/namespaces/default/pods", pod_manifest(name, {"bench": "podstart"}))
        ready = watch.wait_for(lambda pods: is_ready(pods.get(name)), 120, f"pod {name} Ready")
        if record:
            times["orkest"].append(ready - start)
        ork.api.request("DELETE", f"/api/v1/namespaces/default/pods/{name}")
        watch.wait_for(lambda pods: name not in pods, 120, f"pod {name} to go")

    def one_podman(i, record=True):
        name = f"bench-{ctx.run_id}-start-{i}"
        start = time.monotonic()
        run(reference_run(ctx, ork.network, name), timeout=120)
        if record:
            times["podman"].append(time.monotonic() - start)
        podman("rm", "-f", "-t", "0", name, timeout=120)

    cli = {}
    try:
        one_orkest("warmup", record=False)
        one_podman("warmup", record=False)
        for i in range(reps):  # alternate which goes first
            for f in ((one_orkest, one_podman) if i % 2 == 0 else (one_podman, one_orkest)):
                f(i)
        # What one podman CLI call costs by itself: a pod start is one `podman run -d` for
        # orkest too (it picks the pod's address); an inspect is what a restart adds.
        probe = f"bench-{ctx.run_id}-probe"
        run(reference_run(ctx, ork.network, probe), timeout=120)
        cli = hyperfine(ctx, {"image exists": ["podman", "image", "exists", IMAGE],
                              "container inspect": ["podman", "container", "inspect", probe]},
                        runs=3 if ctx.quick else 20)
        podman("rm", "-f", "-t", "0", probe, timeout=120)
        ctx.detail("podstart", {**times, "podman_cli_median_s": cli}, f"pod state via {watch.mode}")
    finally:
        watch.stop()
        ork.stop()
    return [ratio_row(f"pod start (median of {reps})", "podman run -d", median(times["podman"]),
                      median(times["orkest"]), fmt_s, 1.2),
            Row("one podman CLI call (hyperfine)", "—",
                " / ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in cli.items()), "—", "—", None)]


def hyperfine(ctx, commands, runs):
    """Median wall time in seconds of each command (a list of arguments), by hyperfine."""
    out = os.path.join(ctx.state_dir, "hyperfine.json")
    args = ["hyperfine", "--style", "none", "--shell", "none", "--warmup", "1", "--runs", str(runs),
            "--export-json", out]
    names = list(commands)
    for name in names:
        args += ["--command-name", name]
    args += [" ".join(commands[name]) for name in names]
    run(args, timeout=30 + 10 * runs * len(names))
    with open(out) as f:
        results = json.load(f)["results"]
    return {name: result["median"] for name, result in zip(names, results)}


def bench_replicaset(ctx):
    """ReplicaSet of N -> all Ready, versus N `podman run -d` with the same parallelism (xargs -P)."""
    n = 10 if ctx.quick else 50
    reps = 1 if ctx.quick else 3
    ork = ctx.orkest("replicaset", index=1)
    watch = PodWatch(ork, "bench%3Dreplicaset", poll_interval=0.1)
    times = {"orkest": [], "podman": []}

    def one_orkest(i):
        name = f"rs-{i}"
        start = time.monotonic()
        ork.api.request("POST", "/apis/apps/v1/namespaces/default/replicasets",
                        replicaset_manifest(name, n, {"bench": "replicaset", "rs": name}))
        ready = watch.wait_for(lambda pods: sum(is_ready(p) for p in pods.values()) >= n, 60 + 10 * n,
                               f"{n} pods of {name} Ready")
        times["orkest"].append(ready - start)
        delete_replicaset(ork, watch, name, timeout=60 + 5 * n)

    def one_podman(i):
        prefix = f"bench-{ctx.run_id}-rs-{i}-"
        script = (f'seq {n} | xargs -P {ctx.workers} -I{{}} ' +
                  " ".join(reference_run(ctx, ork.network, prefix + "{}")) + " >/dev/null")
        start = time.monotonic()
        run(["bash", "-c", script], timeout=60 + 10 * n)
        times["podman"].append(time.monotonic() - start)
        names = [f"{prefix}{k}" for k in range(1, n + 1)]
        run(["bash", "-c", f"printf '%s\\n' {' '.join(names)} | xargs -P {ctx.workers} -n 10 "
                           f"podman rm -f -t 0 >/dev/null"], timeout=60 + 5 * n)

    try:
        for i in range(reps):
            for f in ((one_orkest, one_podman) if i % 2 == 0 else (one_podman, one_orkest)):
                f(i)
        ctx.detail("replicaset", times, watch.mode)
    finally:
        watch.stop()
        ork.stop()
    return [ratio_row(f"ReplicaSet of {n} → all Ready (median of {reps})",
                      f"{n}× podman run -d, xargs -P {ctx.workers}", median(times["podman"]), median(times["orkest"]),
                      fmt_s, 1.25)]


def bench_recovery(ctx):
    """`podman kill` of a ReplicaSet's container -> the pod Ready again, versus a minimal bare-podman
    supervisor (`podman events` for died -> `podman start`)."""
    reps = 3 if ctx.quick else 7
    ork = ctx.orkest("recovery", index=2)
    watch = PodWatch(ork, "bench%3Drecovery")
    times = {"orkest": [], "podman": []}
    supervisor = None
    try:
        # orkest: one pod per repetition, so no kill meets a restart back-off (only the first
        # restart of a pod is immediate).
        ork.api.request("POST", "/apis/apps/v1/namespaces/default/replicasets",
                        replicaset_manifest("recovery", reps, {"bench": "recovery"}))
        watch.wait_for(lambda pods: sum(is_ready(p) for p in pods.values()) >= reps, 120, "the pods Ready")
        # bare podman: as many containers, and a supervisor restarting the ones that die
        label = f"io.orkest.bench-recovery={ctx.run_id}"
        refs = [f"bench-{ctx.run_id}-rec-{i}" for i in range(reps)]
        for name in refs:
            run(reference_run(ctx, ork.network, name, [label]), timeout=120)
        started = {}
        started_cv = threading.Condition()
        supervisor = ctx.cleanup.process(subprocess.Popen(
            ["podman", "events", "--filter", f"label={label}", "--filter", "event=died", "--format", "{{.Name}}"],
            stdout=subprocess.PIPE, text=True, env=podman_env(), start_new_session=True))

        def supervise():
            for line in supervisor.stdout:
                name = line.strip()
                if name:
                    subprocess.run(["podman", "start", name], capture_output=True, timeout=60, env=podman_env())
                    with started_cv:
                        started[name] = time.monotonic()
                        started_cv.notify_all()

        threading.Thread(target=supervise, daemon=True).start()
        time.sleep(1)  # podman events delivers only what happens after it opened the file
        pod_names = sorted(watch.pods)
        for i in range(reps):
            # orkest
            pod = watch.pods[pod_names[i]]
            uid, restarts = pod["metadata"]["uid"], restart_count(pod)
            container = f"orkest_default_{pod_names[i]}"
            podman("kill", container, timeout=60)
            killed = time.monotonic()

            def recovered(pods, name=pod_names[i]):
                now = pods.get(name)
                if now and is_ready(now) and (now["metadata"]["uid"] != uid or restart_count(now) > restarts):
                    return True
                # or a replacement pod (a different name) made the ReplicaSet whole again
                return name not in pods and sum(is_ready(p) for p in pods.values()) >= reps

            ready = watch.wait_for(recovered, 60, f"pod {pod_names[i]} to recover")
            times["orkest"].append(ready - killed)
            # bare podman
            podman("kill", refs[i], timeout=60)
            killed = time.monotonic()
            with started_cv:
                if not started_cv.wait_for(lambda: refs[i] in started, 60):
                    raise BenchError(f"the podman supervisor did not restart {refs[i]} within 60 s")
                times["podman"].append(started[refs[i]] - killed)
        ctx.detail("recovery", times, watch.mode)
    finally:
        watch.stop()
        if supervisor:
            ctx.cleanup.stop_process(supervisor, grace=5)
        remove_containers(f"io.orkest.bench={ctx.run_id}")
        ork.stop()
    ork_median = median(times["orkest"])
    ref_median = median(times["podman"])
    return [Row(f"failure recovery: kill → Ready (median of {reps})",
                f"podman events+start {fmt_s(ref_median)}", fmt_s(ork_median), f"{ork_median / ref_median:.2f}",
                "≤ 1 s", ork_median <= 1.0)]


def bench_api(ctx):
    """GET one pod, LIST 1,000 pods, create pods, with wrk, against orkest with the fake runtime;
    the reference for GET is benchd, a static HTTP server, under the same wrk."""
    seconds = 2 if ctx.quick else 10
    ork = ctx.orkest("api", runtime="fake", index=3)
    rows = []
    backend = None
    try:
        for namespace in ("bench-get", "bench-list", "bench-create"):
            ensure_namespace(ork, namespace)
        ork.api.request("POST", "/api/v1/namespaces/bench-get/pods", pod_manifest("target", {"bench": "get"}))
        t0 = time.monotonic()
        create_pods(ork, "bench-list", 1000, threads=4, timeout=120)
        log(f"api: created 1,000 pods in {time.monotonic() - t0:.1f} s")
        _, listing = ork.api.request("GET", "/api/v1/namespaces/bench-list/pods")
        list_bytes = len(json.dumps(listing))
        base = f"http://127.0.0.1:{ork.port}"
        get_url = f"{base}/api/v1/namespaces/bench-get/pods/target"
        # what wrk sends (HTTP/1.1, no Connection header) and with an explicit keep-alive
        get_default = wrk(ctx, get_url, seconds, 16, threads=2)
        get_keepalive = wrk(ctx, get_url, seconds, 16, threads=2, headers=["Connection: keep-alive"])
        # the same wrk against a static server: what this machine's loopback and wrk allow
        port = free_port()
        backend = ctx.cleanup.process(subprocess.Popen([ctx.tool("benchd"), str(port)], stderr=subprocess.DEVNULL))
        wait_port(port)
        ref = wrk(ctx, f"http://127.0.0.1:{port}/api/v1/namespaces/bench-get/pods/target", seconds, 16, threads=2)
        listed = wrk(ctx, f"{base}/api/v1/namespaces/bench-list/pods", seconds, 4, threads=2,
                     headers=["Connection: keep-alive"])
        created = wrk(ctx, f"{base}/api/v1/namespaces/bench-create/pods", seconds, 8, threads=2, script="create.lua",
                      headers=["Connection: keep-alive"])
        ctx.detail("api", {"get_default_headers": get_default, "get_keepalive": get_keepalive, "benchd": ref,
                           "list": listed, "list_bytes": list_bytes, "create": created}, "wrk")
        for label, result in (("wrk's headers", get_default), ("Connection: keep-alive", get_keepalive)):
            rows.append(Row(f"API GET pod/s ({label})", f"benchd {ref['rps']:.0f}/s", f"{result['rps']:.0f}/s",
                            f"{result['rps'] / ref['rps']:.2f}", "≥ 10,000/s", result["rps"] >= 10000))
            rows.append(Row(f"API GET p50 / p99 ({label})", f"benchd {ref['p50'] / 1000:.2f} / {ref['p99'] / 1000:.2f} ms",
                            f"{result['p50'] / 1000:.2f} / {result['p99'] / 1000:.2f} ms", "—", "p99 ≤ 5 ms",
                            result["p99"] <= 5000))
        rows.append(Row(f"API LIST 1,000 pods ({list_bytes / 1e6:.1f} MB), 4 conns", "k8s SLO p99 ≤ 5 s (namespace)",
                        f"{listed['rps']:.1f}/s, p50 {listed['p50'] / 1000:.0f} / p99 {listed['p99'] / 1000:.0f} ms",
                        "—", "p99 ≤ 5 s", listed["p99"] <= 5e6))
        rows.append(Row("API create pod, 8 conns", "k8s SLO p99 ≤ 1 s",
                        f"{created['rps']:.0f}/s, p50 {created['p50'] / 1000:.1f} / p99 {created['p99'] / 1000:.1f} ms",
                        "—", "p99 ≤ 1 s", created["p99"] <= 1e6 and created["non2xx"] == 0))
    finally:
        if backend:
            ctx.cleanup.stop_process(backend)
        ork.stop()
    return rows


def sqlite_commit_rate(path, synchronous, seconds, body):
    """Commits per second of a bare loop, one row per transaction, as orkest's store commits:
    the floor the disk and SQLite allow with this `synchronous` setting."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={synchronous}")
        db.execute("CREATE TABLE changes (revision INTEGER PRIMARY KEY, key TEXT, value TEXT)")
        count, started = 0, time.monotonic()
        while time.monotonic() - started < seconds:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO changes(key, value) VALUES(?, ?)", (f"Pod/default/p-{count}", body))
            db.execute("COMMIT")
            count += 1
        return count / (time.monotonic() - started)
    finally:
        db.close()


def bench_storage(ctx):
    """Create-pod throughput (wrk, 8 connections, fake runtime) with each storage backend, beside a
    bare SQLite commit loop on the same disk; the start of an orkest holding 10,000 objects against
    an empty one in memory; the database's size against the objects' JSON. The stored objects are
    Endpoints: pods would measure the fake runtime, which keeps no containers across a restart, as
    every pod makes its container again."""
    seconds = 2 if ctx.quick else 10
    stored_objects = 2000 if ctx.quick else 10000
    body = json.dumps(pod_manifest("p-0000", {"bench": "storage"}))
    floor = {sync: sqlite_commit_rate(os.path.join(ctx.state_dir, f"floor-{sync}.db"), sync, seconds, body)
             for sync in ("FULL", "NORMAL")}
    created = {}
    for label, storage in (("memory", {"backend": "memory"}), ("full", {"sync": "full"}), ("normal", {"sync": "normal"})):
        ork = ctx.orkest(f"storage-{label}", runtime="fake", index=5, storage=storage)
        try:
            ensure_namespace(ork, "bench-create")
            created[label] = wrk(ctx, f"http://127.0.0.1:{ork.port}/api/v1/namespaces/bench-create/pods", seconds, 8,
                                 threads=2, script="create.lua", headers=["Connection: keep-alive"])
        finally:
            ork.stop()
    # Startup: an empty orkest, then one whose database holds `stored_objects` pods.
    empty = Orkest(ctx, "storage-empty", "fake", 5, {"backend": "memory"})
    t0 = time.monotonic()
    empty.start(ready_path="/readyz")
    empty_start = time.monotonic() - t0
    empty.stop()
    full = Orkest(ctx, "storage-start", "fake", 5)
    full.start()
    try:
        ensure_namespace(full, "bench-start")
        create_objects(full, "/api/v1/namespaces/bench-start/endpoints", stored_objects, threads=8, timeout=600,
                       body=lambda i: {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": f"e-{i:05d}"},
                                       "subsets": [{"addresses": [{"ip": f"10.1.{i // 250}.{i % 250 + 1}"}],
                                                    "ports": [{"port": 8080, "name": "http"}]}]})
        listing = list_when_answered(full, "/api/v1/namespaces/bench-start/endpoints", 120)
        json_bytes = sum(len(json.dumps(item)) for item in listing["items"])
    finally:
        full.stop()
    db_bytes = sum(os.path.getsize(os.path.join(full.data_dir, f)) for f in os.listdir(full.data_dir))
    t0 = time.monotonic()
    full.start(timeout=120, ready_path="/readyz")
    loaded_start = time.monotonic() - t0
    loaded = len(list_when_answered(full, "/api/v1/namespaces/bench-start/endpoints", 300)["items"])
    full.stop()
    if loaded != stored_objects:
        raise BenchError(f"the restarted orkest has {loaded} of {stored_objects} objects")
    ctx.detail("storage", {"created": created, "sqlite_floor": floor, "empty_start_s": empty_start,
                           "loaded_start_s": loaded_start, "db_bytes": db_bytes, "json_bytes": json_bytes},
               f"{seconds} s of creates per backend, {stored_objects} stored objects")
    memory = created["memory"]["rps"]
    rows = []
    for label, target, sync in (("full", 0.5, "FULL"), ("normal", 0.8, "NORMAL")):
        rate = created[label]["rps"]
        rows.append(Row(f"API create pod, 8 conns, storage sqlite sync: {label}",
                        f"memory {memory:.0f}/s; bare SQLite commits {floor[sync]:.0f}/s",
                        f"{rate:.0f}/s, p99 {created[label]['p99'] / 1000:.1f} ms", f"{rate / memory:.2f}",
                        f"≥ {target}× memory", rate >= target * memory and created[label]["non2xx"] == 0))
    rows.append(Row(f"start with {stored_objects:,} stored objects (process start to /readyz 200)",
                    f"in memory, empty {fmt_s(empty_start)}", fmt_s(loaded_start), f"{loaded_start / empty_start:.1f}",
                    "≤ 1 s", loaded_start <= 1.0))
    rows.append(Row(f"database size, {stored_objects:,} Endpoints", f"their JSON {json_bytes / 2**20:.1f} MiB",
                    f"{db_bytes / 2**20:.1f} MiB", f"{db_bytes / json_bytes:.2f}", "—", None))
    return rows


def list_when_answered(orkest, path, limit):
    """The List at `path`, asked again while the store answers 504 (writes queued before it)."""
    deadline = time.monotonic() + limit
    while True:
        status, listing = orkest.api.request("GET", path, expect=None)
        if status == 200:
            return listing
        if time.monotonic() > deadline:
            raise BenchError(f"GET {path}: {status} for {limit} s")


def create_objects(orkest, path, count, threads, timeout, body):
    """POSTs body(i) for i in 0..count-1 to `path` from `threads` keep-alive connections."""
    deadline = time.monotonic() + timeout
    errors = []

    def worker(first):
        api = Api(orkest.port)
        try:
            for i in range(first, count, threads):
                if time.monotonic() > deadline:
                    raise BenchError(f"creating {count} objects took more than {timeout} s")
                api.request("POST", path, body(i))
        except Exception as error:
            errors.append(error)
        finally:
            api.close()

    workers = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout + 10)
    if errors:
        raise BenchError(f"creating objects: {errors[0]}")


def ensure_namespace(orkest, namespace):
    """Makes `namespace` unless it exists: objects go only into a namespace that does."""
    if namespace not in ("default", "kube-system", "kube-public", "kube-node-lease"):
        orkest.api.request("POST", "/api/v1/namespaces",
                           {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}, expect=(201, 409))


def create_pods(orkest, namespace, count, threads, timeout):
    """Creates `count` pods p-0000... in `namespace` from `threads` keep-alive connections."""
    create_objects(orkest, f"/api/v1/namespaces/{namespace}/pods", count, threads, timeout,
                   body=lambda i: pod_manifest(f"p-{i:04d}", {"bench": "list"}))


def wait_port(port, host="127.0.0.1", timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.02)
    raise BenchError(f"nothing listens on {host}:{port} after {timeout} s")


def write_haproxy_config(path, port, ips):
    """HAProxy in TCP mode, round-robin over the pods, as a Service spreads connections."""
    with open(path, "w") as f:
        f.write(f"""global
    maxconn 4096
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend bench
    bind 127.0.0.1:{port}
    default_backend pods
backend pods
    balance roundrobin
""" + "".join(f"    server pod{i} {ip}:{BACKEND_PORT}\n" for i, ip in enumerate(ips)))


def proxy_rows(label, m):
    """Throughput, connection rate and added latency through orkest against HAProxy and direct."""
    return [
        Row(f"{label} throughput, 1 stream", f"HAProxy {m['haproxy']['mibps']:.0f} MiB/s",
            f"{m['orkest']['mibps']:.0f} MiB/s (direct {m['direct']['mibps']:.0f})",
            f"{m['orkest']['mibps'] / m['haproxy']['mibps']:.2f}", "≥ 0.90× HAProxy",
            m["orkest"]["mibps"] >= 0.9 * m["haproxy"]["mibps"]),
        Row(f"{label} connection rate (wrk -c16, Connection: close)", f"HAProxy {m['haproxy']['conns']:.0f}/s",
            f"{m['orkest']['conns']:.0f}/s (direct {m['direct']['conns']:.0f})",
            f"{m['orkest']['conns'] / m['haproxy']['conns']:.2f}", "≥ 0.90× HAProxy",
            m["orkest"]["conns"] >= 0.9 * m["haproxy"]["conns"]),
        Row(f"{label} added p50 latency (wrk -c1, keep-alive)",
            f"direct {m['direct']['p50']:.0f} µs, HAProxy +{m['haproxy']['p50'] - m['direct']['p50']:.0f} µs",
            f"+{m['orkest']['p50'] - m['direct']['p50']:.0f} µs", "—", "≤ +50 µs",
            m["orkest"]["p50"] - m["direct"]["p50"] <= 50),
    ]


def bench_proxy(ctx):
    """Bulk throughput, connection rate and latency through an orkest Service, through HAProxy
    (mode tcp, roundrobin) in front of the same two backend pods, and to one backend directly."""
    rounds = 1 if ctx.quick else 3
    mib, reps = (64, 3) if ctx.quick else (256, 5)
    seconds = 1 if ctx.quick else 5
    ork = ctx.orkest("proxy", index=4)
    watch = PodWatch(ork, "bench%3Dproxy")
    haproxy = None
    try:
        ork.api.request("POST", "/apis/apps/v1/namespaces/default/replicasets",
                        replicaset_manifest("proxy", 2, {"bench": "proxy"}))
        service_port = free_port()
        ork.api.request("POST", "/api/v1/namespaces/default/services", {
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "proxy"},
            "spec": {"selector": {"bench": "proxy"}, "ports": [{"port": service_port, "targetPort": BACKEND_PORT}]}})
        watch.wait_for(lambda pods: sum(is_ready(p) for p in pods.values()) >= 2, 120, "the backends Ready")
        ips = sorted(p["status"]["podIP"] for p in watch.pods.values())
        deadline = time.monotonic() + 30
        while True:  # the Service has both backends once its Endpoints say so
            _, endpoints = ork.api.request("GET", "/api/v1/namespaces/default/endpoints/proxy", expect=None)
            addresses = [a["ip"] for s in (endpoints or {}).get("subsets", []) for a in s.get("addresses", [])]
            if sorted(addresses) == ips:
                break
            if time.monotonic() > deadline:
                raise BenchError(f"the Service's endpoints are {addresses}, not {ips}")
            time.sleep(0.05)
        for ip in ips:
            wait_port(BACKEND_PORT, ip)
        wait_port(service_port)
        haproxy_port = free_port()
        config = os.path.join(ctx.state_dir, "haproxy.cfg")
        write_haproxy_config(config, haproxy_port, ips)
        haproxy_log = os.path.join(ctx.state_dir, "haproxy.log")
        with open(haproxy_log, "w") as out:
            haproxy = ctx.cleanup.process(subprocess.Popen(["haproxy", "-db", "-f", config], stdout=out,
                                                           stderr=subprocess.STDOUT, start_new_session=True))
        try:
            wait_port(haproxy_port)
        except BenchError:
            with open(haproxy_log) as f:
                raise BenchError(f"haproxy did not start: {f.read()[-400:]}")
        targets = {"direct": (ips[0], BACKEND_PORT), "haproxy": ("127.0.0.1", haproxy_port),
                   "orkest": ("127.0.0.1", service_port)}
        results = {name: {"mibps": [], "conns": [], "p50": [], "p99": []} for name in targets}
        for r in range(rounds):
            for name, (host, port) in targets.items():
                out = run([ctx.tool("benchbulk"), host, str(port), str(mib), str(reps)], timeout=300,
                          env=dict(os.environ))
                results[name]["mibps"].append(float(re.search(r"median_mibps (\S+)", out).group(1)))
                closing = wrk(ctx, f"http://{host}:{port}/", seconds, 16, headers=["Connection: close"])
                if closing["errors"] > closing["requests"] * 0.01:
                    raise BenchError(f"{name}: {closing['errors']:.0f} connection errors in {closing['requests']:.0f}")
                results[name]["conns"].append(closing["rps"])
                keepalive = wrk(ctx, f"http://{host}:{port}/", seconds, 1)
                results[name]["p50"].append(keepalive["p50"])
                results[name]["p99"].append(keepalive["p99"])
        ctx.detail("proxy", results, f"{mib} MiB x {reps} per round, {rounds} rounds")
        m = {name: {k: median(v) for k, v in values.items()} for name, values in results.items()}
        rows = proxy_rows("proxy", m)
    finally:
        watch.stop()
        if haproxy:
            ctx.cleanup.stop_process(haproxy)
        ork.stop()
    return rows


def bench_footprint(ctx):
    """orkest's RSS idle and with N running pods; CPU while idle (from /proc/<pid>/stat)."""
    n = 20 if ctx.quick else 100
    seconds = 2 if ctx.quick else 10
    ticks = os.sysconf("SC_CLK_TCK")
    ork = ctx.orkest("footprint", index=5)
    watch = None

    def cpu_over(period):
        own0, children0 = ork.proc_stat()
        time.sleep(period)
        own1, children1 = ork.proc_stat()
        return 100 * (own1 - own0) / ticks / period, 100 * (children1 - children0) / ticks / period

    try:
        time.sleep(1 if ctx.quick else 3)  # past startup
        idle_rss = ork.rss_mib()
        idle_cpu, idle_children = cpu_over(seconds)
        watch = PodWatch(ork, "bench%3Dfootprint", poll_interval=0.2)
        ork.api.request("POST", "/apis/apps/v1/namespaces/default/replicasets",
                        replicaset_manifest("footprint", n, {"bench": "footprint"}))
        watch.wait_for(lambda pods: sum(is_ready(p) for p in pods.values()) >= n, 60 + 10 * n, f"{n} pods Ready")
        watch.stop()
        watch = None
        time.sleep(1 if ctx.quick else 3)
        busy_rss = ork.rss_mib()
        busy_cpu, busy_children = cpu_over(seconds)
        conmon_rss = conmon_rss_mib(ork.node)
        ctx.detail("footprint", {"idle_rss_mib": idle_rss, "idle_cpu_pct": idle_cpu,
                                 "idle_children_cpu_pct": idle_children, "pods": n, "rss_mib": busy_rss,
                                 "cpu_pct": busy_cpu, "children_cpu_pct": busy_children,
                                 "conmon_rss_mib": conmon_rss}, f"{seconds} s CPU samples")
    finally:
        if watch:
            watch.stop()
        ork.stop()
    return [
        Row("RSS idle", "k3s server: ≥ 1.6 GB RAM (docs)", f"{idle_rss:.1f} MB", "—", "≤ 20 MB", idle_rss <= 20),
        Row(f"RSS with {n} running pods", f"podman's conmons: {conmon_rss:.0f} MB", f"{busy_rss:.1f} MB",
            "—", "≤ 40 MB" + ("" if n == 100 else " (at 100)"), busy_rss <= 40),
        # orkest's own CPU plus that of the podman commands it runs (its children), e.g. the
        # periodic listing of containers
        Row(f"CPU idle ({seconds} s), own + its podman calls", "—",
            f"{idle_cpu:.2f} % + {idle_children:.2f} %", "—", "< 1 %", idle_cpu + idle_children < 1),
        Row(f"CPU with {n} idle pods ({seconds} s), own + its podman calls", "—",
            f"{busy_cpu:.2f} % + {busy_children:.2f} %", "—", "—", None),
    ]


def bench_probes(ctx):
    """orkest's own CPU with N pods, without probes and then with an HTTP readiness and an HTTP
    liveness probe each at periodSeconds 1; the reference is the CPU `podman healthcheck run`
    (what podman's systemd timer runs for --health-cmd) spends on the same number of checks."""
    n = 20 if ctx.quick else 100
    seconds = 3 if ctx.quick else 10
    ticks = os.sysconf("SC_CLK_TCK")
    ork = ctx.orkest("probes", index=6)
    watch = None

    def threads():
        """{thread name: (utime, stime)} of the orkest process, summed by name."""
        by_name = {}
        for tid in os.listdir(f"/proc/{ork.process.pid}/task"):
            try:
                with open(f"/proc/{ork.process.pid}/task/{tid}/stat") as f:
                    text = f.read()
            except OSError:
                continue
            comm = text[text.index("(") + 1:text.rindex(")")]
            fields = text.rsplit(")", 1)[1].split()
            u, s_ = by_name.get(comm, (0, 0))
            by_name[comm] = (u + int(fields[11]), s_ + int(fields[12]))
        return by_name

    split = {}

    def own_cpu_over(period, label=None):
        own0, _ = ork.proc_stat()
        t0 = threads()
        time.sleep(period)
        own1, _ = ork.proc_stat()
        t1 = threads()
        if label:
            split[label] = {name: [round(100 * (t1[name][i] - t0.get(name, (0, 0))[i]) / ticks / period, 2)
                                   for i in (0, 1)] for name in t1}
        return 100 * (own1 - own0) / ticks / period

    def run_pods(name, probes):
        labels = {"bench": name}
        manifest = replicaset_manifest(name, n, labels)
        container = manifest["spec"]["template"]["spec"]["containers"][0]
        for field in probes:
            container[field] = {"httpGet": {"path": "/", "port": BACKEND_PORT}, "periodSeconds": 1}
        w = PodWatch(ork, f"bench%3D{name}", poll_interval=0.2)
        ork.api.request("POST", "/apis/apps/v1/namespaces/default/replicasets", manifest)
        w.wait_for(lambda pods: sum(is_ready(p) for p in pods.values()) >= n, 60 + 10 * n, f"{n} pods Ready")
        time.sleep(1 if ctx.quick else 3)  # past the start's own work
        cpu = own_cpu_over(seconds, name)
        delete_replicaset(ork, w, name)
        w.stop()
        return cpu

    try:
        without = run_pods("noprobes", [])
        with_probes = run_pods("probed", ["readinessProbe", "livenessProbe"])
    finally:
        if watch:
            watch.stop()
        ork.stop()

    # The reference: CPU per `podman healthcheck run` of an HTTP check from inside the container.
    name = f"orkest-bench-hc-{ctx.run_id}"
    runs = 5 if ctx.quick else 20
    podman("run", "-d", "--name", name, "--label", f"io.orkest.bench={ctx.run_id}",
           "--health-cmd", "wget -q -O /dev/null http://127.0.0.1:5000/health", "--health-interval", "1s",
           "localhost/health:latest", check=True)
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        for _ in range(runs):
            podman("healthcheck", "run", name, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        podman("rm", "-f", "-t", "0", name, check=False)
    per_check = ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) / runs
    checks_per_second = 2 * n
    reference_pct = 100 * per_check * checks_per_second
    added = with_probes - without
    ctx.detail("probes", {"pods": n, "cpu_pct_without": without, "cpu_pct_with": with_probes,
                          "podman_healthcheck_cpu_s_per_check": per_check,
                          "threads_user_system_pct": split},
               f"{seconds} s samples of orkest's own CPU; {runs} podman healthcheck runs")
    return [
        Row(f"CPU added by 2 HTTP probes/s on each of {n} pods",
            f"podman healthcheck run: {per_check * 1000:.0f} ms per check → {reference_pct:.0f} % for {checks_per_second}/s",
            f"{added:.2f} % ({without:.2f} → {with_probes:.2f} %)",
            f"{added / reference_pct:.4f}" if reference_pct else "—",
            "≤ 3 % of a core" + ("" if n == 100 else " (at 100)"), added <= 3),
    ]


def bench_rollout(ctx):
    """A Deployment of 4 benchd pods with a readiness probe behind a Service; a client calls the
    Service about 60 times a second while the image changes, once with RollingUpdate and once
    with Recreate: how long each rollout takes and how many requests fail."""
    ork = ctx.orkest("rollout", index=7)
    second = f"{IMAGE.rsplit(':', 1)[0]}:rollout-{ctx.run_id}"
    podman("tag", IMAGE, second)
    rows = []
    try:
        service_port = free_port()
        ork.api.request("POST", "/api/v1/namespaces/default/services", {
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "rollout"},
            "spec": {"selector": {"bench": "rollout"}, "ports": [{"port": service_port, "targetPort": BACKEND_PORT}]}})
        results = {}
        for strategy in ("RollingUpdate", "Recreate"):
            name = strategy.lower()
            spec = pod_spec()
            spec["containers"][0]["readinessProbe"] = {"httpGet": {"path": "/", "port": BACKEND_PORT},
                                                       "periodSeconds": 1}
            deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
                          "spec": {"replicas": 4, "selector": {"matchLabels": {"bench": "rollout"}},
                                   "strategy": {"type": strategy},
                                   "template": {"metadata": {"labels": {"bench": "rollout"}}, "spec": spec}}}
            path = f"/apis/apps/v1/namespaces/default/deployments/{name}"
            ork.api.request("POST", "/apis/apps/v1/namespaces/default/deployments", deployment)

            def rolled_out(image):
                _, d = ork.api.request("GET", path)
                status = d.get("status", {})
                return (d["spec"]["template"]["spec"]["containers"][0]["image"] == image
                        and status.get("observedGeneration") == d["metadata"]["generation"]
                        and status.get("updatedReplicas") == 4 and status.get("availableReplicas") == 4
                        and status.get("replicas") == 4)

            def wait(image, limit=120):
                deadline = time.monotonic() + limit
                while not rolled_out(image):
                    if time.monotonic() > deadline:
                        raise BenchError(f"{name}: no rollout of {image} within {limit} s")
                    time.sleep(0.05)

            wait(IMAGE)
            wait_port(service_port)
            counts = {"ok": 0, "failed": 0}
            stop = threading.Event()

            def client():
                while not stop.is_set():
                    try:
                        conn = http.client.HTTPConnection("127.0.0.1", service_port, timeout=5)
                        conn.request("GET", "/", headers={"Connection": "close"})
                        ok = conn.getresponse().status == 200
                        conn.close()
                    except (OSError, http.client.HTTPException):
                        ok = False
                    counts["ok" if ok else "failed"] += 1
                    time.sleep(0.01)

            thread = threading.Thread(target=client)
            thread.start()
            time.sleep(1)
            _, current = ork.api.request("GET", path)
            current["spec"]["template"]["spec"]["containers"][0]["image"] = second
            current["metadata"].pop("resourceVersion", None)
            started = time.monotonic()
            ork.api.request("PUT", path, current)
            wait(second)
            took = time.monotonic() - started
            time.sleep(1)
            stop.set()
            thread.join()
            results[strategy] = (took, counts["ok"], counts["failed"])
            ork.api.request("DELETE", path)
            deadline = time.monotonic() + 120
            while True:  # its pods gone before the next strategy's run
                _, pods = ork.api.request("GET", "/api/v1/namespaces/default/pods?labelSelector=bench%3Drollout")
                if not pods["items"] or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
        ctx.detail("rollout", {k: {"seconds": v[0], "answered": v[1], "failed": v[2]} for k, v in results.items()},
                   "4 pods, a client at about 60 requests/s through the Service")
        took, ok, failed = results["RollingUpdate"]
        ref_took, ref_ok, ref_failed = results["Recreate"]
        rows.append(Row("rollout of 4 pods behind a Service, ~60 req/s",
                        f"Recreate: {ref_took:.2f} s, {ref_failed} of {ref_ok + ref_failed} failed",
                        f"RollingUpdate: {took:.2f} s, {failed} of {ok + failed} failed",
                        f"{took / ref_took:.2f}" if ref_took else "—", "0 failed (RollingUpdate)", failed == 0))
    finally:
        ork.stop()
        podman("rmi", second, check=False)
    return rows


def conmon_rss_mib(node):
    """Total RSS of the conmon processes (podman's per-container monitor) of a node's containers."""
    ids = set(podman("ps", "-q", "--no-trunc", "--filter", f"label=io.orkest.node={node}", check=False).split())
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
            if not args or not args[0].endswith(b"conmon"):
                continue
            if not any(a.decode(errors="replace") in ids for a in args):
                continue
            with open(f"/proc/{pid}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
    return total / 1024


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def bench_cluster(ctx):
    """A ReplicaSet over a simulated cluster (scripts/cluster.sh) against the same on a single-node
    orkest (the server alone in a machine of its own): creation → bound and → Running per pod,
    the spread; then one node lost: → Ready=Unknown, → every pod Running again; RSS."""
    nodes, n = (3, 12) if ctx.quick else (10, 100)
    labels = {"bench": "cluster"}
    path = "/apis/apps/v1/namespaces/default/replicasets"

    def run_replicaset(cluster):
        watch = PodWatch(cluster, "bench%3Dcluster", poll_interval=0.1)
        cluster.api.request("POST", path, replicaset_manifest("cluster", n, labels))
        watch.wait_for(lambda pods: sum(is_ready(p) for p in pods.values()) >= n, 120 + 2 * n, f"{n} pods Ready")
        return watch

    # The machines share this host's CPUs: the cluster runs as many podman commands at once in
    # all as the single node does (ctx.workers), not that many per node.
    single = Cluster(ctx, "orkb1", 1, "10.250.2", ctx.workers)
    try:
        watch = run_replicaset(single)
        watch.stop()
        single_ready = [m["ready"] - m["seen"] for m in watch.milestones.values() if "ready" in m]
    finally:
        single.down()

    cluster = Cluster(ctx, "orkb", nodes, "10.250.3", max(1, ctx.workers // nodes))
    watch = None
    try:
        watch = run_replicaset(cluster)
        first = dict(watch.milestones)
        bound = [m["bound"] - m["seen"] for m in first.values() if "bound" in m]
        remote_ready = [m["ready"] - m["seen"] for m in first.values() if "ready" in m and m.get("node") != "node1"]
        spread = {f"node{i}": 0 for i in range(1, nodes + 1)}
        for m in first.values():
            spread[m.get("node")] = spread.get(m.get("node"), 0) + 1
        server_rss = cluster.rss_mib("node1")
        agent_rss = median([cluster.rss_mib(f"node{i}") for i in range(2, nodes + 1)])

        victim = max((f"node{i}" for i in range(2, nodes + 1)), key=lambda node: spread[node])
        lost = spread[victim]
        killed = time.monotonic()
        cluster.script("kill", victim)
        unknown = None
        while time.monotonic() - killed < 60:
            if cluster.ready_status(victim) == "Unknown":
                unknown = time.monotonic() - killed
                break
            time.sleep(0.1)
        if unknown is None:
            raise BenchError(f"{victim} not Unknown within 60 s of its loss")
        back = watch.wait_for(
            lambda pods: sum(is_ready(p) and p["spec"].get("nodeName") != victim for p in pods.values()) >= n,
            120, f"{n} pods Ready off {victim}") - killed
        ctx.detail("cluster", {"nodes": nodes, "pods": n, "single_ready_s": single_ready, "bound_s": bound,
                               "remote_ready_s": remote_ready, "spread": spread, "victim": victim, "lost_pods": lost,
                               "unknown_after_s": unknown, "all_running_after_s": back,
                               "server_rss_mib": server_rss, "agent_rss_mib": agent_rss}, watch.mode)
    finally:
        if watch:
            watch.stop()
        cluster.down()
    per_node = sorted(spread.values())
    return [
        Row(f"{n} pods over {nodes} nodes: creation → bound (p50 / p99)", "—",
            f"{fmt_s(percentile(bound, 50))} / {fmt_s(percentile(bound, 99))}", "—", "every pod < 2 s",
            max(bound) < 2),
        ratio_row(f"creation → Running on a remote node (p50 of {len(remote_ready)})", "single-node orkest",
                  percentile(single_ready, 50), percentile(remote_ready, 50), fmt_s, 1.3),
        Row(f"spread of the {n} pods over the {nodes} nodes", "—", f"{per_node[0]}–{per_node[-1]} per node",
            "—", "—", None),
        Row(f"a node lost ({lost} of {n} pods) → Ready=Unknown", "Kubernetes' defaults: 40–50 s",
            fmt_s(unknown), "—", "≤ 10 s", unknown <= 10),
        Row(f"a node lost → all {n} pods Running again", "—", fmt_s(back), "—", "≤ 20 s", back <= 20),
        Row(f"server RSS with {nodes} nodes and {n} pods", "—", f"{server_rss:.1f} MB", "—", "—", None),
        Row(f"agent RSS with about {n // nodes} pods (median)", "—", f"{agent_rss:.1f} MB", "—", "—", None),
    ]


def bench_cluster_services(ctx):
    """A Service on node1 of a 3-node simulated cluster with its two backends on node2 and node3,
    against HAProxy (mode tcp) on node1 in front of the same pods, clients on node1: throughput,
    connection rate, added latency. Then a client making 100 new connections a second to the
    Service on node1 while node3 (2 of its 6 backends) is lost: failed requests, and how long
    after the loss the last one failed."""
    rounds = 1 if ctx.quick else 3
    mib, reps = (64, 3) if ctx.quick else (256, 5)
    seconds = 1 if ctx.quick else 5
    cluster = Cluster(ctx, "orks", 3, "10.250.5", ctx.workers)
    watch = None
    haproxy = None
    rows = []
    try:
        on_node1 = cluster.netns("node1")
        watch = PodWatch(cluster, "bench%3Dcluster-services", poll_interval=0.1)
        cluster.script("kubectl", "cordon", "node1")
        cluster.api.request("POST", "/apis/apps/v1/namespaces/default/replicasets",
                            replicaset_manifest("backends", 2, {"bench": "cluster-services"}))
        service_port = 18080
        cluster.api.request("POST", "/api/v1/namespaces/default/services", {
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "backends"},
            "spec": {"selector": {"bench": "cluster-services"},
                     "ports": [{"port": service_port, "targetPort": BACKEND_PORT}]}})
        watch.wait_for(lambda pods: sum(is_ready(p) for p in pods.values()) >= 2, 120, "the backends Ready")
        pods = [p for p in watch.pods.values() if is_ready(p)]
        nodes = sorted(p["spec"]["nodeName"] for p in pods)
        if nodes != ["node2", "node3"]:
            raise BenchError(f"the backends run on {nodes}, not on node2 and node3")
        ips = sorted(p["status"]["podIP"] for p in pods)
        config = os.path.join(ctx.state_dir, "haproxy-cluster.cfg")
        haproxy_port = 18081
        write_haproxy_config(config, haproxy_port, ips)
        haproxy_log = os.path.join(ctx.state_dir, "haproxy-cluster.log")
        with open(haproxy_log, "w") as out:
            haproxy = ctx.cleanup.process(subprocess.Popen([*on_node1, "haproxy", "-db", "-f", config], stdout=out,
                                                           stderr=subprocess.STDOUT, start_new_session=True))
        targets = {"direct": (ips[0], BACKEND_PORT), "haproxy": ("127.0.0.1", haproxy_port),
                   "orkest": ("127.0.0.1", service_port)}
        deadline = time.monotonic() + 30
        for name, (host, port) in targets.items():  # each answers before it is measured
            while True:
                done = subprocess.run([*on_node1, "curl", "-sf", "-o", "/dev/null", "--max-time", "2",
                                       f"http://{host}:{port}/"], capture_output=True, timeout=10)
                if done.returncode == 0:
                    break
                if time.monotonic() > deadline:
                    raise BenchError(f"{name} at {host}:{port} does not answer from node1")
                time.sleep(0.1)
        results = {name: {"mibps": [], "conns": [], "p50": []} for name in targets}
        for _ in range(rounds):
            for name, (host, port) in targets.items():
                out = run([*on_node1, ctx.tool("benchbulk"), host, str(port), str(mib), str(reps)], timeout=300,
                          env=dict(os.environ))
                results[name]["mibps"].append(float(re.search(r"median_mibps (\S+)", out).group(1)))
                closing = wrk(ctx, f"http://{host}:{port}/", seconds, 16, headers=["Connection: close"], prefix=on_node1)
                results[name]["conns"].append(closing["rps"])
                keepalive = wrk(ctx, f"http://{host}:{port}/", seconds, 1, prefix=on_node1)
                results[name]["p50"].append(keepalive["p50"])
        m = {name: {k: median(v) for k, v in values.items()} for name, values in results.items()}

        # Node loss under load: six backends over the three nodes, node3 lost.
        cluster.script("kubectl", "uncordon", "node1")
        scale_path = "/apis/apps/v1/namespaces/default/replicasets/backends/scale"
        _, scale = cluster.api.request("GET", scale_path)
        scale["spec"]["replicas"] = 6
        cluster.api.request("PUT", scale_path, scale)
        watch.wait_for(lambda pods: sum(is_ready(p) for p in pods.values()) >= 6, 120, "6 backends Ready")
        spread = sorted(p["spec"]["nodeName"] for p in watch.pods.values() if is_ready(p))
        time.sleep(1)  # every node's Service has the six
        url_host = cluster.address("node1")
        outcomes = []  # (monotonic time, ok)
        stop = threading.Event()

        def client():
            while not stop.is_set():
                started = time.monotonic()
                ok = False
                try:
                    conn = http.client.HTTPConnection(url_host, service_port, timeout=2)
                    conn.request("GET", "/", headers={"Connection": "close"})
                    ok = conn.getresponse().status == 200
                    conn.close()
                except (OSError, http.client.HTTPException):
                    ok = False
                outcomes.append((started, ok))
                time.sleep(max(0.0, 0.01 - (time.monotonic() - started)))

        loader = threading.Thread(target=client, daemon=True)
        loader.start()
        time.sleep(3)
        killed = time.monotonic()
        cluster.script("kill", "node3")
        time.sleep(10 if ctx.quick else 20)
        stop.set()
        loader.join(10)
        failed = [t for t, ok in outcomes if not ok and t >= killed]
        before = [t for t, ok in outcomes if not ok and t < killed]
        last_failure = (max(failed) - killed) if failed else 0.0
        ctx.detail("cluster-services", {"results": results, "spread": spread, "requests": len(outcomes),
                                        "failed_after_loss": len(failed), "failed_before_loss": len(before),
                                        "last_failure_after_s": last_failure}, f"{rounds} rounds")
        rows = proxy_rows("Service across nodes:", m) + [
            Row(f"node lost under 100 req/s (6 backends: {', '.join(spread)})", "—",
                f"{len(failed)} of {len([t for t, _ in outcomes if t >= killed])} failed, the last "
                f"{last_failure:.1f} s after the loss", "—", "none after 10 s", last_failure <= 10),
        ]
    finally:
        if watch:
            watch.stop()
        if haproxy:
            ctx.cleanup.stop_process(haproxy)
        cluster.down()
    return rows


BENCHMARKS = {
    "podstart": bench_podstart,
    "replicaset": bench_replicaset,
    "recovery": bench_recovery,
    "api": bench_api,
    "storage": bench_storage,
    "proxy": bench_proxy,
    "footprint": bench_footprint,
    "probes": bench_probes,
    "rollout": bench_rollout,
    "cluster": bench_cluster,
    "cluster-services": bench_cluster_services,
}


class Context:
    def __init__(self, args):
        self.quick = args.quick
        self.orkest_binary = args.orkest
        self.tools = args.tools
        self.workers = args.workers
        self.run_id = os.getpid()
        self.state_dir = args.state_dir or tempfile.mkdtemp(prefix="orkest-bench-")
        self.cleanup = Cleanup(self.state_dir)
        self.cleanup.label(f"io.orkest.bench={self.run_id}")  # the reference's containers
        self.details = {}

    def orkest(self, name, runtime="podman", index=0, storage=None):
        """Starts an orkest instance of its own."""
        return Orkest(self, name, runtime, index, storage).start()

    def tool(self, name):
        return os.path.join(self.tools, name)

    def detail(self, benchmark, values, note):
        self.details[benchmark] = {"values": values, "note": note}
        log(f"{benchmark} ({note}): {json.dumps(values, default=str)}")


def machine_description():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    podman_version = podman("--version", check=False, timeout=30).strip()
    return (f"{os.cpu_count()} CPUs ({cpu}), {mem:.0f} GiB, kernel {platform.release()}, {podman_version}; "
            f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, smaller sizes (under 2 minutes)")
    parser.add_argument("--orkest", required=True, help="the orkest binary")
    parser.add_argument("--tools", required=True, help="folder with benchd and benchbulk")
    parser.add_argument("--workers", type=int, default=8, help="orkest's runtime.workers and the reference's -P")
    parser.add_argument("--state-dir", help="where configurations, logs and cleanup records go")
    parser.add_argument("--json", help="also write the results and raw measurements here")
    parser.add_argument("--budget", type=int, default=0, help="stop after this many seconds (default: 280 quick, 3000 full)")
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default all): {', '.join(BENCHMARKS)}")
    args = parser.parse_args()
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    names = args.names or list(BENCHMARKS)
    ctx = Context(args)
    budget = args.budget or (280 if args.quick else 3000)

    def stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    def out_of_time(signum, frame):
        raise BenchError(f"the run took longer than its budget of {budget} s")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(budget)
    started = time.monotonic()
    rows, failed = [], []
    machine = machine_description()
    try:
        for name in names:
            log(f"{name} ...")
            t0 = time.monotonic()
            try:
                rows += BENCHMARKS[name](ctx)
            except BenchError as error:
                failed.append(name)
                rows.append(Row(name, "—", f"could not run: {error}", "—", "—", None))
                log(f"{name} failed: {error}")
                ctx.cleanup.all()
            log(f"{name} took {time.monotonic() - t0:.1f} s")
    except KeyboardInterrupt as interrupt:
        failed.append(f"interrupted ({interrupt})")
    finally:
        signal.alarm(0)
        ctx.cleanup.all()
    elapsed = time.monotonic() - started
    header = ["benchmark", "reference", "orkest", "ratio", "target", "met?"]
    print()
    print(f"orkest benchmarks ({'quick' if args.quick else 'full'}), {time.strftime('%Y-%m-%d %H:%M %Z')}, "
          f"{elapsed:.0f} s")
    print(f"machine: {machine}")
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row.cells()) + " |")
    print()
    met = sum(1 for r in rows if r.met is True)
    missed = sum(1 for r in rows if r.met is False)
    print(f"targets: {met} met, {missed} missed" + (f"; could not run: {', '.join(failed)}" if failed else ""))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"quick": args.quick, "machine": machine, "seconds": elapsed,
                       "rows": [dict(zip(header, r.cells())) for r in rows], "details": ctx.details,
                       "failed": failed}, f, indent=2, default=str)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
