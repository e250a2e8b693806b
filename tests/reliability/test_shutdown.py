#!/usr/bin/env python3
"""orkest stops by itself within seconds of SIGTERM, also after clients followed a pod's logs
(a timer each log follow left behind kept it alive for api.watchTimeoutSeconds, 30 minutes by
default: the kubectl logs test had to SIGKILL it), and it answers again on the next start.
"""

import sys
import unittest

import harness
from harness import PODS, eventually

BINARY = None


class ShutdownTest(unittest.TestCase):
    def test_sigterm_after_log_follows_stops_orkest_promptly(self):
        with harness.Orkest(BINARY, name="shutdown") as orkest:
            orkest.start()
            client = orkest.client()
            self.assertEqual(client.post(PODS, harness.pod_manifest("talker")).status, 201)
            self.assertTrue(eventually(lambda: harness.is_running(client.get(PODS + "/talker").json()), 10),
                            "the pod never ran")
            for _ in range(3):
                followed = client.get(PODS + "/talker/log?follow=true")
                self.assertEqual(followed.status, 200, followed)
            orkest.stop(grace=8)  # SIGTERM; SIGKILL after 8 s
            self.assertNotIn("no exit within", orkest.log(), "orkest had to be killed")
            self.assertEqual(orkest.process.returncode, 0, orkest.log()[-2000:])
            orkest.start()
            self.assertEqual(orkest.client().get(PODS + "/talker").status, 200)


if __name__ == "__main__":
    BINARY = harness.orkest_binary(sys.argv)
    unittest.main(verbosity=2)
