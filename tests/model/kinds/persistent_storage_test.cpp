// PersistentVolumes, PersistentVolumeClaims and StorageClasses: defaults, validation as
// Kubernetes words it, what orkest refuses, immutability, and the printed columns.

#include <gtest/gtest.h>

#include "model/defaults.hpp"
#include "model/kind_strategy.hpp"
#include "model/validation.hpp"
#include "tests/model/kinds/kind_checks.hpp"

namespace orkest::model {
namespace {

using nlohmann::json;

using testing::causes_of;
using testing::defaulted;

json volume(json spec) {
  return {{"apiVersion", "v1"}, {"kind", "PersistentVolume"}, {"metadata", {{"name", "pv-1"}}}, {"spec", std::move(spec)}};
}
json claim(json spec) {
  return {{"apiVersion", "v1"}, {"kind", "PersistentVolumeClaim"}, {"metadata", {{"name", "data"}, {"namespace", "default"}}},
          {"spec", std::move(spec)}};
}
json storage_class(json fields) {
  json object = {{"apiVersion", "storage.k8s.io/v1"}, {"kind", "StorageClass"}, {"metadata", {{"name", "fast"}}}};
  object.update(fields);
  return object;
}

const json good_volume_spec = json::parse(R"({"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                                               "hostPath": {"path": "/srv/volumes/pv-1"}})");
const json good_claim_spec = json::parse(R"({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "500Mi"}}})");

TEST(PersistentVolume, AHostPathVolumeIsRetainedByDefault) {
  EXPECT_EQ(causes_of("PersistentVolume", volume(good_volume_spec)), "");
  const auto spec = defaulted("PersistentVolume", volume(good_volume_spec))["spec"];
  EXPECT_EQ(spec["persistentVolumeReclaimPolicy"], "Retain");
  EXPECT_EQ(spec["volumeMode"], "Filesystem");
  EXPECT_EQ(strategy_for(*find_kind("PersistentVolume")).initial_status(volume(good_volume_spec)), json({{"phase", "Pending"}}));
}

TEST(PersistentVolume, SizeModesAndSourceAreRequired) {
  EXPECT_EQ(causes_of("PersistentVolume", volume(json::object())),
            "spec.capacity.storage: Required value\nspec.accessModes: Required value\nspec: Required value: must specify a "
            "volume type\n");
  auto spec = good_volume_spec;
  spec["accessModes"] = {"ReadWriteSometimes"};
  spec["capacity"]["storage"] = "0";
  EXPECT_EQ(causes_of("PersistentVolume", volume(spec)),
            "spec.capacity.storage: Invalid value: \"0\": must be greater than zero\n"
            "spec.accessModes[0]: Unsupported value: \"ReadWriteSometimes\": supported values: \"ReadWriteOnce\", "
            "\"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOncePod\"\n");
  spec = good_volume_spec;
  spec.erase("hostPath");
  spec["nfs"] = {{"server", "nas"}, {"path", "/export"}};
  EXPECT_EQ(causes_of("PersistentVolume", volume(spec)),
            "spec.nfs: Forbidden: not supported by orkest: persistent volumes of type nfs\n");
  spec = good_volume_spec;
  spec["volumeMode"] = "Block";
  EXPECT_EQ(causes_of("PersistentVolume", volume(spec)),
            "spec.volumeMode: Unsupported value: \"Block\": supported values: \"Filesystem\"\n");
}

TEST(PersistentVolume, ItsSourceIsImmutable) {
  const auto& strategy = strategy_for(*find_kind("PersistentVolume"));
  auto stored = defaulted("PersistentVolume", volume(good_volume_spec));
  auto moved = stored;
  moved["spec"]["hostPath"]["path"] = "/etc";
  ASSERT_EQ(strategy.validate_update(stored, moved).size(), 1u);
  EXPECT_EQ(strategy.validate_update(stored, moved)[0].field, "spec.hostPath");
  auto bound = stored;
  bound["spec"]["claimRef"] = {{"namespace", "default"}, {"name", "data"}};
  EXPECT_TRUE(strategy.validate_update(stored, bound).empty()) << "binding changes claimRef";
}

TEST(PersistentVolumeClaim, ASizeAndModesAreAllItNeeds) {
  EXPECT_EQ(causes_of("PersistentVolumeClaim", claim(good_claim_spec)), "");
  EXPECT_EQ(causes_of("PersistentVolumeClaim", claim(json::object())),
            "spec.accessModes: Required value\nspec.resources.requests.storage: Required value\n");
  auto spec = good_claim_spec;
  spec["resources"]["limits"] = {{"storage", "1Gi"}};
  spec["dataSource"] = {{"kind", "VolumeSnapshot"}, {"name", "snap"}};
  EXPECT_EQ(causes_of("PersistentVolumeClaim", claim(spec)),
            "spec.resources.limits: Forbidden: not supported by orkest: a folder has no size limit\n"
            "spec.dataSource: Forbidden: not supported by orkest: volumes are not populated from other objects\n");
}

TEST(PersistentVolumeClaim, OnlyBindingFillsInTheSpecAfterCreation) {
  const auto& strategy = strategy_for(*find_kind("PersistentVolumeClaim"));
  auto stored = defaulted("PersistentVolumeClaim", claim(good_claim_spec));
  auto bound = stored;
  bound["spec"]["volumeName"] = "pv-1";
  bound["spec"]["storageClassName"] = "local-path";
  EXPECT_TRUE(strategy.validate_update(stored, bound).empty());
  auto rebound = bound;
  rebound["spec"]["volumeName"] = "pv-2";
  ASSERT_EQ(strategy.validate_update(bound, rebound).size(), 1u);
  EXPECT_EQ(strategy.validate_update(bound, rebound)[0].field, "spec");
  auto grown = stored;
  grown["spec"]["resources"]["requests"]["storage"] = "2Gi";
  EXPECT_EQ(strategy.validate_update(stored, grown)[0].message,
            "Forbidden: not supported by orkest: volumes are not expanded");
}

TEST(StorageClass, DefaultsAndWhatOrkestRefuses) {
  auto defaults = defaulted("StorageClass", storage_class({{"provisioner", "orkest.io/local-path"}}));
  EXPECT_EQ(defaults["reclaimPolicy"], "Delete");
  EXPECT_EQ(defaults["volumeBindingMode"], "Immediate");
  EXPECT_EQ(causes_of("StorageClass", storage_class({{"provisioner", "orkest.io/local-path"}})), "");
  EXPECT_EQ(causes_of("StorageClass", storage_class(json::object())), "provisioner: Required value\n");
  EXPECT_EQ(causes_of("StorageClass", storage_class({{"provisioner", "x"}, {"allowVolumeExpansion", true},
                                                     {"volumeBindingMode", "Later"}})),
            "volumeBindingMode: Unsupported value: \"Later\": supported values: \"Immediate\", \"WaitForFirstConsumer\"\n"
            "allowVolumeExpansion: Forbidden: not supported by orkest: volumes are not expanded\n");
  const auto& strategy = strategy_for(*find_kind("StorageClass"));
  auto changed = defaults;
  changed["reclaimPolicy"] = "Retain";
  EXPECT_EQ(strategy.validate_update(defaults, changed)[0].message, "Forbidden: updates to reclaimPolicy are forbidden.");
}

TEST(StorageClass, TheDefaultClassIsMarkedInItsName) {
  const auto& strategy = strategy_for(*find_kind("StorageClass"));
  auto object = defaulted("StorageClass", storage_class({{"provisioner", "orkest.io/local-path"}}));
  object["metadata"]["annotations"] = {{"storageclass.kubernetes.io/is-default-class", "true"}};
  const auto cells = strategy.table_cells(object, std::chrono::system_clock::now());
  EXPECT_EQ(cells[0], "fast (default)");
  EXPECT_EQ(cells[1], "orkest.io/local-path");
  EXPECT_EQ(cells[2], "Delete");
}

TEST(PersistentVolume, ColumnsAsKubectlPrintsThem) {
  const auto& strategy = strategy_for(*find_kind("PersistentVolume"));
  auto object = defaulted("PersistentVolume", volume(good_volume_spec));
  object["spec"]["accessModes"] = {"ReadWriteOnce", "ReadOnlyMany"};
  object["spec"]["claimRef"] = {{"namespace", "default"}, {"name", "data"}};
  object["status"] = {{"phase", "Bound"}};
  const auto cells = strategy.table_cells(object, std::chrono::system_clock::now());
  EXPECT_EQ(cells[1], "1Gi");
  EXPECT_EQ(cells[2], "RWO,ROX");
  EXPECT_EQ(cells[3], "Retain");
  EXPECT_EQ(cells[4], "Bound");
  EXPECT_EQ(cells[5], "default/data");
}

}  // namespace
}  // namespace orkest::model
