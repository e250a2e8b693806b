#!/usr/bin/python3
"""The official Python client (Debian's python3-kubernetes) against a running orkest.

usage: python_client.py KUBECONFIG      (tests/kubectl/python_client.sh starts orkest first)

Lists, creates, reads, patches (strategic merge, merge, JSON patch, scale), replaces and
deletes pods, ReplicaSets and Services through the generated typed API, so every answer is
deserialised into the client's models (a wrong type or timestamp fails here), and runs a
watch loop that sees a pod it did not create itself come and go. Every call has a timeout.
"""
import sys
import threading

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

TIMEOUT = 20  # seconds, for every request
NS = "default"


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def pod(name, labels):
    return client.V1Pod(
        metadata=client.V1ObjectMeta(name=name, labels=labels),
        spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="localhost/health:latest")]),
    )


def main():
    config.load_kube_config(config_file=sys.argv[1])
    core = client.CoreV1Api()
    apps = client.AppsV1Api()
    kw = {"_request_timeout": TIMEOUT}

    print("version and discovery")
    version = client.VersionApi().get_code(**kw)
    check(version.major == "1" and version.minor == "32", version)
    resources = {r.name for r in core.get_api_resources(**kw).resources}
    check({"pods", "services", "endpoints", "pods/log"} <= resources, resources)

    print("list (empty)")
    pods = core.list_namespaced_pod(NS, **kw)
    check(pods.items == [], pods.items)
    check(int(pods.metadata.resource_version) >= 0, pods.metadata)

    print("create")
    created = core.create_namespaced_pod(NS, pod("py-one", {"app": "py"}), **kw)
    check(created.metadata.name == "py-one" and created.metadata.uid, created.metadata)
    check(created.metadata.creation_timestamp is not None, "creationTimestamp is parsed as a datetime")
    rs = client.V1ReplicaSet(
        metadata=client.V1ObjectMeta(name="py-rs"),
        spec=client.V1ReplicaSetSpec(
            replicas=2,
            selector=client.V1LabelSelector(match_labels={"app": "py-rs"}),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": "py-rs"}),
                spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="localhost/health:latest")]),
            ),
        ),
    )
    apps.create_namespaced_replica_set(NS, rs, **kw)
    svc = client.V1Service(
        metadata=client.V1ObjectMeta(name="py-svc"),
        spec=client.V1ServiceSpec(selector={"app": "py-rs"},
                                  ports=[client.V1ServicePort(port=37000 + (hash("py") % 1000), target_port=5000)]),
    )
    created_svc = core.create_namespaced_service(NS, svc, **kw)
    check(created_svc.spec.cluster_ip, created_svc.spec)
    try:
        core.create_namespaced_pod(NS, pod("py-one", {"app": "py"}), **kw)
        check(False, "a second create of py-one succeeded")
    except ApiException as error:
        check(error.status == 409, error)

    start_version = core.list_namespaced_pod(NS, **kw).metadata.resource_version

    print("read and list with selectors")
    read = core.read_namespaced_pod("py-one", NS, **kw)
    check(read.spec.node_name, read.spec)
    listed = core.list_pod_for_all_namespaces(label_selector="app=py", **kw)
    check([p.metadata.name for p in listed.items] == ["py-one"], listed.items)
    listed = core.list_namespaced_pod(NS, field_selector="metadata.name=py-one", **kw)
    check(len(listed.items) == 1, listed.items)

    print("patch: strategic merge (a dict), merge, JSON patch")
    patched = core.patch_namespaced_pod("py-one", NS, {"metadata": {"labels": {"stage": "patched"}}}, **kw)
    check(patched.metadata.labels == {"app": "py", "stage": "patched"}, patched.metadata.labels)
    patched = core.patch_namespaced_pod(
        "py-one", NS, [{"op": "add", "path": "/metadata/annotations", "value": {"note": "json-patch"}}], **kw)
    check(patched.metadata.annotations["note"] == "json-patch", patched.metadata.annotations)
    patched_rs = apps.patch_namespaced_replica_set("py-rs", NS, {"spec": {"replicas": 3}}, **kw)
    check(patched_rs.spec.replicas == 3, patched_rs.spec)

    print("scale subresource")
    scale = apps.read_namespaced_replica_set_scale("py-rs", NS, **kw)
    check(scale.spec.replicas == 3 and scale.status.selector == "app=py-rs", scale)
    scale = apps.patch_namespaced_replica_set_scale("py-rs", NS, {"spec": {"replicas": 1}}, **kw)
    check(scale.spec.replicas == 1, scale)
    scale.spec.replicas = 2
    scale.metadata.resource_version = None  # the controller's status writes move it on
    scale = apps.replace_namespaced_replica_set_scale("py-rs", NS, scale, **kw)
    check(scale.spec.replicas == 2, scale)

    print("replace")
    current = core.read_namespaced_service("py-svc", NS, **kw)
    current.metadata.labels = {"replaced": "yes"}
    replaced = core.replace_namespaced_service("py-svc", NS, current, **kw)
    check(replaced.metadata.labels == {"replaced": "yes"}, replaced.metadata)
    stale = current
    stale.metadata.labels = {"replaced": "again"}
    try:
        core.replace_namespaced_service("py-svc", NS, stale, **kw)
        check(False, "a replace with a stale resourceVersion succeeded")
    except ApiException as error:
        check(error.status == 409, error)

    print("watch loop: a live watch sees a pod another thread creates and deletes")
    core.create_namespaced_pod(NS, pod("py-sentinel", {"app": "watched"}), **kw)
    errors = []

    def churn():
        try:
            core.create_namespaced_pod(NS, pod("py-watched", {"app": "watched"}), **kw)
            core.patch_namespaced_pod("py-watched", NS, {"metadata": {"labels": {"step": "two"}}}, **kw)
            core.delete_namespaced_pod("py-watched", NS, grace_period_seconds=0, **kw)
        except Exception as error:  # reported by the main thread
            errors.append(error)

    seen = []
    worker = threading.Thread(target=churn)
    w = watch.Watch()
    for event in w.stream(core.list_namespaced_pod, NS, label_selector="app=watched", timeout_seconds=15,
                          _request_timeout=TIMEOUT):
        obj = event["object"]
        check(isinstance(obj, client.V1Pod), type(obj))
        seen.append((event["type"], obj.metadata.name))
        # The initial ADDED of the sentinel: the watch is open, start changing things.
        if obj.metadata.name == "py-sentinel" and not worker.is_alive() and worker.ident is None:
            worker.start()
        if event["type"] == "DELETED" and obj.metadata.name == "py-watched":
            w.stop()
    worker.join(TIMEOUT)
    check(errors == [], errors)
    check(seen[0] == ("ADDED", "py-sentinel"), seen)
    check([t for t, n in seen if n == "py-watched"][:2] == ["ADDED", "MODIFIED"], seen)
    check(seen[-1] == ("DELETED", "py-watched"), seen)
    print("live watch saw", seen)

    print("watch loop: resuming from a resourceVersion replays what happened since")
    resumed = []
    w = watch.Watch()
    for event in w.stream(core.list_namespaced_pod, NS, label_selector="app=watched", resource_version=start_version,
                          timeout_seconds=3, _request_timeout=TIMEOUT):
        resumed.append((event["type"], event["object"].metadata.name))
        if event["type"] == "DELETED":
            w.stop()
    check(resumed[0] == ("ADDED", "py-sentinel"), resumed)
    check(resumed[-1] == ("DELETED", "py-watched"), resumed)
    core.delete_namespaced_pod("py-sentinel", NS, grace_period_seconds=0, **kw)

    print("delete")
    deleted = core.delete_namespaced_pod("py-one", NS, **kw)
    check(deleted.metadata.deletion_timestamp is not None or deleted.kind == "Pod", deleted)
    status = apps.delete_namespaced_replica_set("py-rs", NS, **kw)
    check(status.status == "Success", status)
    core.delete_namespaced_service("py-svc", NS, **kw)
    try:
        core.read_namespaced_service("py-svc", NS, **kw)
        check(False, "the deleted service is still there")
    except ApiException as error:
        check(error.status == 404, error)
    print("ok")


if __name__ == "__main__":
    main()
