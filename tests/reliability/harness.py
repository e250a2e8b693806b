"""Shared helpers of the reliability tests: a real orkest process with its own configuration,
an HTTP client, podman helpers and measurements (/proc RSS and descriptor counts).

Every orkest started here gets its own temporary folder (configuration, bootstrap manifests,
log), a free API port, its own node name (the io.orkest.node label of its containers), podman
network and pod subnet, Service CIDR and loopback address for Service listeners. The subnet
"slot" is held with flock on the same /tmp/orkest-itest-slot-<k>.lock files the integration
tests use, so concurrently running test processes never pick the same subnet. Cluster DNS is
off ("dnsIP: ''") and cluster IPs stay off lo: the tests reach Services at their host address.

Only containers labelled with the instance's own node name are ever touched.
"""

import contextlib
import fcntl
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONTAINERS_CONF = os.path.join(SOURCE_DIR, "conf", "containers.conf")
HEALTH_IMAGE = "localhost/health:latest"

PODS = "/api/v1/namespaces/default/pods"
SERVICES = "/api/v1/namespaces/default/services"
REPLICASETS = "/apis/apps/v1/namespaces/default/replicasets"

_instances = 0
_instances_lock = threading.Lock()


def log(*parts):
    print("[reliability]", *parts, flush=True)


def eventually(probe, limit, interval=0.1):
    """Calls probe until it returns a truthy value or `limit` seconds pass; returns its last value."""
    deadline = time.monotonic() + limit
    while True:
        value = probe()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


@contextlib.contextmanager
def shared_orkest(cls, binary, **options):
    """For a test class's setUpClass: cls.orkest is an Orkest(binary, **options), started; the
    block then prepares what the tests share, and any failure in it stops orkest again."""
    cls.orkest = Orkest(binary, **options)
    cls.orkest.__enter__()
    try:
        cls.orkest.start()
        yield cls.orkest
    except BaseException:
        cls.orkest.__exit__(*sys.exc_info())
        raise


class SharedOrkestTestCase(unittest.TestCase):
    """A test class whose tests share one orkest, started in setUpClass with shared_orkest:
    it is stopped after the class, and every test checks that it is still alive."""
    orkest = None

    @classmethod
    def tearDownClass(cls):
        if cls.orkest is not None:
            cls.orkest.__exit__(None, None, None)

    def tearDown(self):
        self.assertTrue(self.orkest.alive(), "orkest died")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- HTTP ------------------------------------------------------------------------------------

class Reply:
    def __init__(self, status, headers, body, error=None):
        self.status = status      # 0: no HTTP answer (see error)
        self.headers = headers    # lower-case names -> list of values
        self.body = body          # bytes
        self.error = error

    def json(self):
        try:
            return json.loads(self.body)
        except (ValueError, TypeError):
            return None

    def header(self, name):
        values = self.headers.get(name.lower(), [])
        return values[0] if values else None

    def __repr__(self):
        if self.status == 0:
            return "<no answer: %s>" % self.error
        return "<%d %s>" % (self.status, self.body[:400].decode("utf-8", "replace"))


class Client:
    """One request per connection, every request with a deadline. Errors are Replies with
    status 0, never exceptions, so a test polling a restarting orkest just tries again."""

    def __init__(self, port, host="127.0.0.1", timeout=15.0, tls=False, token=None):
        self.port, self.host, self.timeout, self.tls, self.token = port, host, timeout, tls, token

    def _connection(self):
        if self.tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout, context=context)
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def request(self, method, path, body=None, content_type="application/json", headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode("utf-8")
        all_headers = {"Connection": "close"}
        if body is not None and content_type is not None:
            all_headers["Content-Type"] = content_type
        if self.token is not None:
            all_headers["Authorization"] = "Bearer " + self.token
        all_headers.update(headers or {})
        connection = self._connection()
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            data = response.read()
            names = {}
            for name, value in response.getheaders():
                names.setdefault(name.lower(), []).append(value)
            return Reply(response.status, names, data)
        except (OSError, http.client.HTTPException) as error:
            return Reply(0, {}, b"", "%s: %s" % (type(error).__name__, error))
        finally:
            connection.close()

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, body, content_type="application/json"):
        return self.request("POST", path, body, content_type)

    def put(self, path, body, content_type="application/json"):
        return self.request("PUT", path, body, content_type)

    def patch(self, path, body, content_type="application/merge-patch+json"):
        return self.request("PATCH", path, body, content_type)

    def delete(self, path):
        return self.request("DELETE", path)

    def items(self, collection, selector=None):
        path = collection + ("?labelSelector=" + selector if selector else "")
        reply = self.get(path)
        if reply.status != 200:
            raise AssertionError("GET %s: %r" % (path, reply))
        return reply.json()["items"]


# ---- manifests -------------------------------------------------------------------------------

def pod_manifest(name, labels=None, image=HEALTH_IMAGE, command=None, grace=None):
    container = {"name": "main", "image": image, "imagePullPolicy": "Never"}
    if command:
        container["command"] = command
    spec = {"containers": [container]}
    if grace is not None:
        spec["terminationGracePeriodSeconds"] = grace
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {}}, "spec": spec}


def replicaset_manifest(name, replicas, labels=None, image=HEALTH_IMAGE, grace=None):
    labels = dict(labels or {"rs": name})
    pod_spec = {"containers": [{"name": "main", "image": image, "imagePullPolicy": "Never"}]}
    if grace is not None:
        pod_spec["terminationGracePeriodSeconds"] = grace
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": pod_spec}}}


def service_manifest(name, port, selector, target_port=5000):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"selector": selector, "ports": [{"protocol": "TCP", "port": port, "targetPort": target_port}]}}


def phase(pod):
    return (pod.get("status") or {}).get("phase", "")


def is_running(pod):
    status = pod.get("status") or {}
    states = status.get("containerStatuses") or [{}]
    return (status.get("phase") == "Running" and status.get("podIP") and "running" in (states[0].get("state") or {})
            and "deletionTimestamp" not in pod["metadata"])


def container_status(pod):
    return ((pod.get("status") or {}).get("containerStatuses") or [{}])[0]


def waiting_reason(pod):
    return ((container_status(pod).get("state") or {}).get("waiting") or {}).get("reason", "")


def restart_count(pod):
    return container_status(pod).get("restartCount", 0)


def container_id(pod):
    cid = container_status(pod).get("containerID", "")
    return cid.split("://", 1)[-1]


# ---- podman ----------------------------------------------------------------------------------

def podman(*args, timeout=120, check=False):
    env = dict(os.environ, CONTAINERS_CONF=CONTAINERS_CONF)
    result = subprocess.run(["podman", *args], env=env, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError("podman %s failed: %s" % (" ".join(args), result.stderr))
    return result


def ensure_example_images():
    if podman("image", "exists", HEALTH_IMAGE).returncode == 0:
        return
    subprocess.run(["bash", os.path.join(SOURCE_DIR, "scripts", "build-example-images.sh")], check=True,
                   timeout=300)


# ---- /proc -----------------------------------------------------------------------------------

def rss_kib(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for pid %d" % pid)


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def fd_targets(pid):
    targets = []
    for fd in os.listdir("/proc/%d/fd" % pid):
        with contextlib.suppress(OSError):
            targets.append(os.readlink("/proc/%d/fd/%s" % (pid, fd)))
    return sorted(targets)


TCP_STATES = {"01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV", "04": "FIN_WAIT1", "05": "FIN_WAIT2",
              "06": "TIME_WAIT", "07": "CLOSE", "08": "CLOSE_WAIT", "09": "LAST_ACK", "0A": "LISTEN", "0B": "CLOSING"}


def _ipv4(hex_address):
    address, port = hex_address.split(":")
    octets = [str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)]  # little-endian in /proc
    return "%s:%d" % (".".join(octets), int(port, 16))


def describe_sockets(pid, targets):
    """Names each 'socket:[inode]' in targets by its TCP endpoints and state, from pid's own
    network namespace (/proc/<pid>/net/tcp), so a leak report says which connection leaked."""
    wanted = {t[len("socket:["):-1]: t for t in targets if t.startswith("socket:[")}
    found = {}
    with contextlib.suppress(OSError):
        with open("/proc/%d/net/tcp" % pid) as table:
            for line in list(table)[1:]:
                fields = line.split()
                if fields[9] in wanted:
                    found[fields[9]] = "%s -> %s %s" % (_ipv4(fields[1]), _ipv4(fields[2]),
                                                        TCP_STATES.get(fields[3], fields[3]))
    return ["%s %s" % (wanted[inode], found.get(inode, "(not IPv4 TCP)")) for inode in sorted(wanted)]


def direct_children(pid):
    """The processes pid started, from /proc/<pid>/task/*/children."""
    found = []
    tasks = "/proc/%d/task" % pid
    with contextlib.suppress(OSError):
        for task in os.listdir(tasks):
            with contextlib.suppress(OSError), open("%s/%s/children" % (tasks, task)) as children:
                found += [int(child) for child in children.read().split()]
    return found


def descendants(pid):
    """Every process below pid."""
    found, queue = [], [pid]
    while queue:
        children = direct_children(queue.pop())
        found += children
        queue += children
    return found


def command_line(pid):
    with contextlib.suppress(OSError), open("/proc/%d/cmdline" % pid, "rb") as f:
        return [part.decode("utf-8", "replace") for part in f.read().split(b"\0") if part]
    return []


def _has_ended(pid):
    """Gone, or a zombie nobody has reaped yet (the state follows the parenthesised name)."""
    with contextlib.suppress(OSError), open("/proc/%d/stat" % pid) as f:
        return f.read().rpartition(")")[2].split()[:1] == ["Z"]
    return True


def _kill_group(leader):
    with contextlib.suppress(OSError):
        if os.getpgid(leader) == leader:
            os.killpg(leader, signal.SIGKILL)


def kill_and_let_its_calls_finish(process, limit=60.0):
    """SIGKILLs orkest as a crash would end it, then lets the podman calls it had made finish
    (bounded). Each runs in a process group of its own (podman/process.cpp), so it outlives
    orkest; one finishing after the test's clean-up could leave a container, or recreate the
    bridge of the removed pod network, holding its subnet against the next test. `podman events` and `podman logs --follow`
    change nothing and would run until they next write into the dead orkest's pipe: ended."""
    calls = [(pid, command_line(pid)) for pid in direct_children(process.pid)]
    process.kill()
    process.wait()
    deadline = time.monotonic() + limit
    for pid, argv in calls:
        if argv[1:2] == ["events"] or (argv[1:2] == ["logs"] and "--follow" in argv):
            _kill_group(pid)
            continue
        while not _has_ended(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not _has_ended(pid):
            _kill_group(pid)


# ---- the orkest process ----------------------------------------------------------------------

class Orkest:
    """A real orkest with its own configuration. Use as a context manager: leaving it stops
    orkest, removes its containers (by its node-name label) and network, and its folder."""

    def __init__(self, binary, runtime="fake", reconcile_seconds=1, log_level="info", api=None, runtime_extra=None,
                 name="rel", cluster_extra=None, storage_extra=None):
        global _instances
        with _instances_lock:
            _instances += 1
            instance = _instances
        self.binary = binary
        self.runtime = runtime
        self.folder = tempfile.mkdtemp(prefix="orkest-rel-")
        os.makedirs(os.path.join(self.folder, "manifests"))
        self.config_path = os.path.join(self.folder, "orkest.yaml")
        self.log_path = os.path.join(self.folder, "orkest.log")
        ident = "%d-%d" % (os.getpid(), instance)
        self.node_name = "%s-%s" % (name, ident)
        self.network = "orkest-%s-%s" % (name, ident)
        self.port = free_port()
        self.process = None
        self._slot_file = None
        self._choose_slot()
        # A loopback address of its own for Service listeners: 127.0.0.0/8 is all local.
        self.service_address = "127.77.%d.1" % self.slot
        self.api_settings = {"address": "127.0.0.1", "port": self.port, "requestTimeoutSeconds": 10}
        self.api_settings.update(api or {})
        self.runtime_settings = {"kind": runtime, "containersConf": CONTAINERS_CONF, "network": self.network,
                                 "subnet": self.subnet, "commandTimeoutSeconds": 60}
        self.runtime_settings.update(runtime_extra or {})
        self.cluster_extra = cluster_extra or {}
        self.storage_extra = storage_extra or {}
        self.reconcile_seconds = reconcile_seconds
        self.log_level = log_level
        self.write_config()

    def _choose_slot(self):
        used = set()
        if self.runtime == "podman":
            listed = podman("network", "ls", "--format", "{{range .Subnets}}{{.Subnet}} {{end}}")
            used = set(listed.stdout.split())
            # A subnet a host route already uses (a bridge left behind) is refused by podman too.
            routes = subprocess.run(["ip", "-4", "route", "show"], capture_output=True, text=True)
            used |= {line.split()[0] for line in routes.stdout.splitlines() if line.split()}
        slots = 55
        first = (os.getpid() * 7 + _instances) % slots
        for i in range(slots):
            k = (first + i) % slots
            subnet = "10.89.%d.0/24" % (200 + k)
            if subnet in used:
                continue
            f = open("/tmp/orkest-itest-slot-%d.lock" % k, "a+")
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                f.close()
                continue
            self._slot_file, self.slot, self.subnet = f, k, subnet
            self.service_cidr = "10.96.%d.0/24" % (200 + k)
            return
        raise AssertionError("no free test slot (subnets 10.89.200-254.0/24 all taken)")

    def write_config(self):
        def section(name, values):
            lines = [name + ":"]
            for key, value in values.items():
                lines.append("  %s: %s" % (key, json.dumps(value)))
            return "\n".join(lines)

        text = "\n".join([
            "# written by tests/reliability/harness.py",
            section("api", self.api_settings),
            section("log", {"level": self.log_level}),
            section("reconcile", {"periodSeconds": self.reconcile_seconds}),
            section("runtime", self.runtime_settings),
            section("cluster", dict({"nodeName": self.node_name, "serviceCIDR": self.service_cidr, "dnsIP": ""},
                                    **self.cluster_extra)),
            section("services", {"hostAddress": self.service_address, "clusterIPsOnLoopback": False}),
            section("storage", dict({"dataDir": os.path.join(self.folder, "data")}, **self.storage_extra)),
            section("bootstrap", {"manifests": os.path.join(self.folder, "manifests")}),
        ]) + "\n"
        with open(self.config_path, "w") as f:
            f.write(text)

    def add_manifest(self, file_name, content):
        with open(os.path.join(self.folder, "manifests", file_name), "w") as f:
            f.write(content if isinstance(content, str) else json.dumps(content))

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def client(self, **kwargs):
        kwargs.setdefault("tls", "tlsCertFile" in self.api_settings)
        return Client(self.port, **kwargs)

    def start(self, limit=30.0, wait_ready=True):
        assert self.process is None or self.process.poll() is not None, "orkest is already running"
        log_file = open(self.log_path, "ab")
        log_file.write(b"==== started by tests/reliability ====\n")
        log_file.flush()
        self.process = subprocess.Popen([self.binary, "--config", self.config_path], stdout=log_file,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=self.folder,
                                        preexec_fn=_die_with_parent)
        log_file.close()
        if not wait_ready:
            return
        probe = self.client(timeout=2.0)
        ready = eventually(lambda: self.process.poll() is not None or probe.get("/readyz").status == 200, limit)
        if self.process.poll() is not None:
            raise AssertionError("orkest exited during start-up (%s):\n%s" % (self.process.returncode, self.log()))
        if not ready:
            raise AssertionError("orkest did not answer /readyz within %ss:\n%s" % (limit, self.log()))

    def stop(self, grace=15.0):
        if not self.process or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            kill_and_let_its_calls_finish(self.process)
            with open(self.log_path, "a") as f:
                f.write("==== killed: no exit within %ss of SIGTERM ====\n" % grace)

    def kill(self):
        if self.process and self.process.poll() is None:
            kill_and_let_its_calls_finish(self.process)
            with open(self.log_path, "a") as f:
                f.write("==== SIGKILL by the reliability tests ====\n")

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def log(self):
        with contextlib.suppress(OSError), open(self.log_path, errors="replace") as f:
            return f.read()
        return ""

    def containers(self, labels=None, running_only=False):
        """`podman ps` of this instance's containers: list of dicts (id, name, state, labels)."""
        args = ["ps", "--all", "--format", "json", "--filter", "label=io.orkest.node=" + self.node_name]
        for key, value in (labels or {}).items():
            args += ["--filter", "label=%s=%s" % (key, value)]
        if running_only:
            args += ["--filter", "status=running"]
        result = podman(*args, check=True)
        return json.loads(result.stdout or "[]")

    def clean_up(self):
        self.stop()
        if self.runtime == "podman":
            ids = [c["Id"] for c in self.containers()]
            if ids:
                podman("rm", "--force", "--time", "0", *ids, timeout=300)
            subprocess.run(["bash", os.path.join(SOURCE_DIR, "scripts", "remove-pod-network.sh"), self.network],
                           timeout=120)

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        failed = kind is not None
        if failed:
            print("---- orkest log (%s), node %s ----\n%s---- end of orkest log ----"
                  % (self.folder, self.node_name, self.log()[-20000:]), flush=True)
        try:
            self.clean_up()
        finally:
            if self._slot_file:
                self._slot_file.close()
            if not os.environ.get("ORKEST_RELIABILITY_KEEP"):
                shutil.rmtree(self.folder, ignore_errors=True)
        return False


def _die_with_parent():
    # Should the test process die without cleaning up, orkest gets SIGTERM (PR_SET_PDEATHSIG).
    import ctypes
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    if os.environ.get("ORKEST_RELIABILITY_CORE"):  # debugging: a crash leaves a core in the folder
        import resource
        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def orkest_binary(argv):
    """The orkest binary: --orkest PATH on the command line, or $ORKEST_BINARY, or build/orkest."""
    if "--orkest" in argv:
        i = argv.index("--orkest")
        binary = argv[i + 1]
        del argv[i:i + 2]
        return os.path.abspath(binary)
    return os.environ.get("ORKEST_BINARY", os.path.join(SOURCE_DIR, "build", "orkest"))
