#include "model/resource_kind.hpp"

#include <gtest/gtest.h>

namespace orkest::model {
namespace {

TEST(ResourceKind, KnowsTheFourteenKindsWithTheirUrlNames) {
  ASSERT_EQ(all_kinds().size(), 14u);
  struct expected {
    const char *kind, *list_kind, *plural, *singular, *group, *api_version, *short_name;
    bool namespaced = true;
  };
  const expected all[] = {
      {"Pod", "PodList", "pods", "pod", "", "v1", "po"},
      {"ReplicaSet", "ReplicaSetList", "replicasets", "replicaset", "apps", "apps/v1", "rs"},
      {"Deployment", "DeploymentList", "deployments", "deployment", "apps", "apps/v1", "deploy"},
      {"Service", "ServiceList", "services", "service", "", "v1", "svc"},
      {"Endpoints", "EndpointsList", "endpoints", "endpoints", "", "v1", "ep"},
      {"Event", "EventList", "events", "event", "", "v1", "ev"},
      {"ConfigMap", "ConfigMapList", "configmaps", "configmap", "", "v1", "cm"},
      {"Secret", "SecretList", "secrets", "secret", "", "v1", ""},
      {"PersistentVolume", "PersistentVolumeList", "persistentvolumes", "persistentvolume", "", "v1", "pv", false},
      {"PersistentVolumeClaim", "PersistentVolumeClaimList", "persistentvolumeclaims", "persistentvolumeclaim", "", "v1",
       "pvc"},
      {"StorageClass", "StorageClassList", "storageclasses", "storageclass", "storage.k8s.io", "storage.k8s.io/v1", "sc",
       false},
      {"Namespace", "NamespaceList", "namespaces", "namespace", "", "v1", "ns", false},
      {"Node", "NodeList", "nodes", "node", "", "v1", "no", false},
      {"Lease", "LeaseList", "leases", "lease", "coordination.k8s.io", "coordination.k8s.io/v1", ""},
  };
  for (const auto& e : all) {
    const resource_kind* kind = find_kind(e.kind);
    ASSERT_NE(kind, nullptr) << e.kind;
    EXPECT_EQ(kind->list_kind, e.list_kind);
    EXPECT_EQ(kind->plural, e.plural);
    EXPECT_EQ(kind->singular, e.singular);
    EXPECT_EQ(kind->group, e.group);
    EXPECT_EQ(kind->version, "v1");
    EXPECT_EQ(kind->api_version(), e.api_version);
    EXPECT_EQ(kind->short_names, *e.short_name ? std::vector<std::string>{e.short_name} : std::vector<std::string>{});
    EXPECT_EQ(kind->namespaced, e.namespaced) << e.kind;
    EXPECT_EQ(find_kind_by_plural(e.group, "v1", e.plural), kind);
  }
}

TEST(ResourceKind, LookupsAreExact) {
  EXPECT_EQ(find_kind("pod"), nullptr);
  EXPECT_EQ(find_kind("deployment"), nullptr);
  EXPECT_EQ(find_kind("StatefulSet"), nullptr);
  EXPECT_EQ(find_kind_by_plural("", "v1", "replicasets"), nullptr);  // replicasets live in apps
  EXPECT_EQ(find_kind_by_plural("apps", "v1", "pods"), nullptr);
  EXPECT_EQ(find_kind_by_plural("", "v2", "pods"), nullptr);
  EXPECT_EQ(find_kind_by_plural("", "v1", "po"), nullptr);
}

}  // namespace
}  // namespace orkest::model
