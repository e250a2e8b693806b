#pragma once
// The user's own example requests from the mission, byte for byte (trailing comma, flat
// selector, labels directly in template.metadata, env as a map, a Service for the pods URL).

namespace orkest::testing::user_examples {

inline constexpr const char* replicaset_path = "/api/apps/v1/namespaces/default/replicasets";

inline constexpr const char* replicaset = R"({
    "apiVersion": "apps/v1",
    "kind": "ReplicaSet",
    "metadata": {"name": "health-replicaset"},
    "spec": {
        "replicas": 3,
        "selector": {"name": "health"},
        "template": {
            "metadata": {"app": "health"},
            "spec": {"containers": [{"name": "health", "image": "health:latest"}]},
        }
    }
})";

// The PUT to .../replicasets/health-replicaset: the same body with "replicas": 5.
inline constexpr const char* replicaset_scaled = R"({
    "apiVersion": "apps/v1",
    "kind": "ReplicaSet",
    "metadata": {"name": "health-replicaset"},
    "spec": {
        "replicas": 5,
        "selector": {"name": "health"},
        "template": {
            "metadata": {"app": "health"},
            "spec": {"containers": [{"name": "health", "image": "health:latest"}]},
        }
    }
})";

// POSTed to the pods collection (sic).
inline constexpr const char* service = R"({
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "health-service"},
    "spec": {
        "selector": {"app": "health"},
        "ports": [{"protocol": "TCP", "port": 2000, "targetPort": 5000}],
        "type": "ClusterIP"
    }
})";

inline constexpr const char* pod = R"({
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "ping"},
    "spec": {"containers": [{"name": "ping", "image": "ping:latest",
                             "env": {"HEALTH_SERVICE": "health-service:2000"}}]}
})";

}  // namespace orkest::testing::user_examples
