#!/usr/bin/env python3
"""Nothing acknowledged is lost: orkest (fake runtime, SQLite storage with sync: full) is killed
with SIGKILL at a random moment of a burst of creates, updates and deletes from 64 parallel
clients, five times, each time started again over the same data folder. After each restart:
- every write that got a 2xx is there exactly as acknowledged (an object's labels are those of
  its last acknowledged update), and an acknowledged delete stays deleted; a write that got an
  error never happened; only writes left without an answer by the kill may have gone either way;
- PRAGMA integrity_check of the database is "ok";
- resourceVersions keep growing across the restarts, never reused.

The objects are Endpoints (plain data no controller touches), in a namespace of their own.

Also: `orkest snapshot save` of a running orkest restores exactly what it held then, and a file
that is no database stops orkest at startup with a message naming it, the file untouched.
"""

import contextlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import harness
from harness import log

BINARY = None
CLIENTS = 64
KILLS = 5
NS = "durability"
COLLECTION = "/api/v1/namespaces/%s/endpoints" % NS


def make_namespace(client):
    """Objects go only into a namespace that exists: made at the first start (409 after that)."""
    reply = client.post("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})
    assert reply.status in (201, 409), reply


def endpoints(name, generation):
    return {"apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": name, "labels": {"generation": str(generation)}},
            "subsets": [{"addresses": [{"ip": "10.1.2.3"}], "ports": [{"port": 80}]}]}


class Ledger:
    """What clients were told: per object name, the last acknowledged state, and whether a
    later write is unanswered (then either state is allowed)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acknowledged = {}  # name -> ("present", generation) | ("absent", None)
        self.in_doubt = {}      # name -> the state an unanswered write would have made
        self.versions = []      # resourceVersions of acknowledged writes

    def record(self, name, reply, state_if_done):
        with self.lock:
            if reply.status == 0:
                self.in_doubt[name] = state_if_done
            elif 200 <= reply.status < 300:
                self.acknowledged[name] = state_if_done
                self.in_doubt.pop(name, None)
                version = (reply.json() or {}).get("metadata", {}).get("resourceVersion")
                if version:
                    self.versions.append(int(version))


def client_loop(client, index, round_number, ledger, stop):
    generation = 0
    names = []
    while not stop.is_set():
        action = random.random()
        if not names or action < 0.5:
            name = "r%d-c%d-%d" % (round_number, index, len(names))
            reply = client.post(COLLECTION, endpoints(name, 0))
            ledger.record(name, reply, ("present", 0))
            if reply.status == 0:
                return  # orkest is gone
            if reply.status == 201:
                names.append(name)
        elif action < 0.85:
            name = random.choice(names)
            generation += 1
            reply = client.put(COLLECTION + "/" + name, endpoints(name, generation))
            ledger.record(name, reply, ("present", generation))
            if reply.status == 0:
                return
        else:
            name = names.pop(random.randrange(len(names)))
            reply = client.delete(COLLECTION + "/" + name)
            ledger.record(name, reply, ("absent", None))
            if reply.status == 0:
                return


class DurabilityTest(unittest.TestCase):
    def test_sigkill_during_parallel_writes_loses_nothing_acknowledged(self):
        with harness.Orkest(BINARY, name="durable", storage_extra={"sync": "full"}) as orkest:
            database = os.path.join(orkest.folder, "data", "orkest.db")
            ledger = Ledger()
            highest_seen = 0
            for round_number in range(KILLS):
                orkest.start()
                client = orkest.client(timeout=10.0)
                make_namespace(client)
                listed = client.get(COLLECTION)
                self.assertEqual(listed.status, 200, listed)
                version = int(listed.json()["metadata"]["resourceVersion"])
                self.assertGreaterEqual(version, highest_seen, "resourceVersion went back after a restart")
                self.check_objects(client, ledger)

                stop = threading.Event()
                clients = [threading.Thread(target=client_loop, args=(orkest.client(timeout=10.0), i, round_number,
                                                                      ledger, stop))
                           for i in range(CLIENTS)]
                for thread in clients:
                    thread.start()
                time.sleep(random.uniform(0.3, 1.5))
                orkest.kill()
                stop.set()
                for thread in clients:
                    thread.join(30)
                    self.assertFalse(thread.is_alive(), "a client hung after the kill")
                with sqlite3.connect(database) as db:
                    self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
                with ledger.lock:
                    highest_seen = max([highest_seen] + ledger.versions)
                    log("round %d: %d objects acknowledged, %d writes unanswered at the kill, newest version %d"
                        % (round_number + 1, len(ledger.acknowledged), len(ledger.in_doubt), highest_seen))
                    self.assertGreater(len(ledger.versions), 0, "no write was acknowledged before the kill")
                    ledger.versions = []
            orkest.start()
            client = orkest.client()
            self.check_objects(client, ledger)
            created = client.post(COLLECTION, endpoints("after-all", 0))
            self.assertEqual(created.status, 201, created)
            self.assertGreater(int(created.json()["metadata"]["resourceVersion"]), highest_seen)

    def test_a_snapshot_of_a_running_orkest_restores_what_it_held(self):
        with harness.Orkest(BINARY, name="snapshot") as orkest:
            orkest.start()
            client = orkest.client()
            make_namespace(client)
            for name in ("kept-1", "kept-2"):
                self.assertEqual(client.post(COLLECTION, endpoints(name, 0)).status, 201)
            snapshot = os.path.join(orkest.folder, "backup.db")
            saved = subprocess.run([BINARY, "--config", orkest.config_path, "snapshot", "save", snapshot],
                                   capture_output=True, text=True, timeout=60)
            self.assertEqual(saved.returncode, 0, saved.stderr)
            self.assertIn("saved a snapshot", saved.stdout)
            self.assertEqual(client.post(COLLECTION, endpoints("after-snapshot", 0)).status, 201)
            orkest.kill()
            data = os.path.join(orkest.folder, "data")
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(os.path.join(data, "orkest.db" + suffix))
            shutil.copyfile(snapshot, os.path.join(data, "orkest.db"))
            orkest.start()
            names = sorted(item["metadata"]["name"] for item in orkest.client().items(COLLECTION))
            self.assertEqual(names, ["kept-1", "kept-2"])

    def test_a_database_orkest_cannot_read_stops_it_with_the_files_name(self):
        with harness.Orkest(BINARY, name="corrupt") as orkest:
            data = os.path.join(orkest.folder, "data")
            os.makedirs(data)
            with open(os.path.join(data, "orkest.db"), "wb") as f:
                f.write(b"not a database" * 1000)
            with self.assertRaises(AssertionError):
                orkest.start(limit=10)
            self.assertNotEqual(orkest.process.returncode, 0)
            self.assertIn(os.path.join(data, "orkest.db"), orkest.log())
            self.assertIn("will not start over it", orkest.log())
            with open(os.path.join(data, "orkest.db"), "rb") as f:
                self.assertEqual(f.read(), b"not a database" * 1000, "the file was changed")

    def test_a_full_disk_fails_writes_with_a_500_keeps_reads_and_recovers(self):
        mount_point = tempfile.mkdtemp(prefix="orkest-full-disk-")
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "orkest-full-disk", mount_point],
                                 capture_output=True, text=True)
        if mounted.returncode != 0:
            os.rmdir(mount_point)
            self.skipTest("cannot mount a small tmpfs: " + mounted.stderr.strip())
        try:
            with harness.Orkest(BINARY, name="fulldisk", storage_extra={"dataDir": os.path.join(mount_point, "data")}) \
                    as orkest:
                orkest.start()
                client = orkest.client()
                make_namespace(client)
                self.assertEqual(client.post(COLLECTION, endpoints("before", 0)).status, 201)
                # Leave the database little room: a filler file takes what is left but 256 KiB.
                filler = os.path.join(mount_point, "filler")
                free = os.statvfs(mount_point)
                with open(filler, "wb") as f:
                    f.write(b"\0" * max(0, free.f_bavail * free.f_frsize - 256 * 1024))
                big = "x" * 60000  # an annotation; objects of ~60 KB fill 256 KiB in a few writes
                refused = None
                for i in range(64):
                    body = endpoints("big-%d" % i, 0)
                    body["metadata"]["annotations"] = {"filler": big}
                    reply = client.post(COLLECTION, body)
                    if reply.status != 201:
                        refused = reply
                        break
                self.assertIsNotNone(refused, "the disk never filled up")
                self.assertEqual(refused.status, 500, refused)
                self.assertEqual(refused.json()["reason"], "InternalError")
                self.assertIn("full", refused.json()["message"])
                self.assertIsNone(client.get(COLLECTION + "/big-%d" % i).json().get("metadata", {}).get("uid"),
                                  "the refused object was stored")
                self.assertEqual(client.get(COLLECTION + "/before").status, 200, "reads stopped")
                os.remove(filler)  # space returns
                self.assertEqual(client.post(COLLECTION, endpoints("after", 0)).status, 201)
                orkest.kill()
                orkest.start()
                names = {item["metadata"]["name"] for item in orkest.client().items(COLLECTION)}
                self.assertIn("before", names)
                self.assertIn("after", names)
                self.assertNotIn("big-%d" % i, names)
        finally:
            subprocess.run(["umount", mount_point], capture_output=True)
            os.rmdir(mount_point)

    def check_objects(self, client, ledger):
        stored = {item["metadata"]["name"]: item for item in client.items(COLLECTION)}
        with ledger.lock:
            for name, (state, generation) in ledger.acknowledged.items():
                doubt = ledger.in_doubt.get(name)
                actual = ("present", int(stored[name]["metadata"]["labels"]["generation"])) if name in stored \
                    else ("absent", None)
                allowed = [(state, generation)] + ([doubt] if doubt else [])
                self.assertIn(actual, allowed, "%s: acknowledged %s, unanswered %s" % (name, (state, generation), doubt))
            unexplained = [name for name in stored if name not in ledger.acknowledged and name not in ledger.in_doubt]
            self.assertEqual(unexplained, [], "objects nobody was told about")


if __name__ == "__main__":
    BINARY = harness.orkest_binary(sys.argv)
    unittest.main(verbosity=2)
