// The volume binder's decisions, as Kubernetes' PersistentVolume controller makes them: which
// volume a claim binds to, the default class, provisioning and its binding modes, why a claim
// waits, the three binding writes, and what becomes of a volume whose claim went.

#include "control/volume_binding.hpp"

#include <gtest/gtest.h>

namespace orkest::control {
namespace {

using nlohmann::json;

json claim(const std::string& size, json extra = json::object()) {
  json object = {{"metadata", {{"name", "data"}, {"namespace", "team"}, {"uid", "c-1"}, {"resourceVersion", "7"}}},
                 {"spec",
                  {{"accessModes", {"ReadWriteOnce"}}, {"resources", {{"requests", {{"storage", size}}}}},
                   {"volumeMode", "Filesystem"}}},
                 {"status", {{"phase", "Pending"}}}};
  object["spec"].update(extra);
  return object;
}

json volume(const std::string& name, const std::string& size, json extra = json::object()) {
  json object = {{"metadata", {{"name", name}}},
                 {"spec",
                  {{"capacity", {{"storage", size}}},
                   {"accessModes", {"ReadWriteOnce", "ReadOnlyMany"}},
                   {"persistentVolumeReclaimPolicy", "Retain"},
                   {"storageClassName", "manual"},
                   {"volumeMode", "Filesystem"},
                   {"hostPath", {{"path", "/srv/" + name}}}}},
                 {"status", {{"phase", "Available"}}}};
  object["spec"].update(extra);
  return object;
}

json storage_class(const std::string& name, const std::string& provisioner, const std::string& mode = "Immediate",
                   bool is_default = false) {
  json object = {{"metadata", {{"name", name}, {"creationTimestamp", "2026-11-30T00:00:00Z"}}},
                 {"provisioner", provisioner},
                 {"reclaimPolicy", "Delete"},
                 {"volumeBindingMode", mode}};
  if (is_default) object["metadata"]["annotations"] = {{"storageclass.kubernetes.io/is-default-class", "true"}};
  return object;
}

TEST(VolumeBinding, AClaimBindsToTheSmallestVolumeThatFits) {
  const json wanted = claim("1Gi", {{"storageClassName", "manual"}});
  const std::vector<json> volumes = {volume("big", "10Gi"), volume("small", "512Mi"), volume("fits", "2Gi"),
                                     volume("other-class", "1Gi", {{"storageClassName", "fast"}}),
                                     volume("read-only", "1Gi", {{"accessModes", {"ReadOnlyMany"}}})};
  const auto decision = decide_claim(wanted, volumes, {}, false);
  EXPECT_EQ(decision.action, claim_action::bind);
  EXPECT_EQ(decision.volume, "fits");
}

TEST(VolumeBinding, ASelectorNarrowsTheVolumes) {
  auto labelled = volume("labelled", "5Gi");
  labelled["metadata"]["labels"] = {{"tier", "gold"}};
  const auto decision = decide_claim(
      claim("1Gi", {{"storageClassName", "manual"}, {"selector", {{"matchLabels", {{"tier", "gold"}}}}}}),
      {volume("plain", "1Gi"), labelled}, {}, false);
  EXPECT_EQ(decision.volume, "labelled");
}

TEST(VolumeBinding, TheDefaultClassIsFilledInThenItsProvisionerMakesTheVolume) {
  const std::vector<json> classes = {storage_class("local-path", "orkest.io/local-path", "Immediate", true)};
  auto decision = decide_claim(claim("1Gi"), {}, classes, false);
  EXPECT_EQ(decision.action, claim_action::set_default_class);
  EXPECT_EQ(decision.class_name, "local-path");
  decision = decide_claim(claim("1Gi", {{"storageClassName", "local-path"}}), {}, classes, false);
  EXPECT_EQ(decision.action, claim_action::provision);
  EXPECT_EQ(decision.class_name, "local-path");
}

TEST(VolumeBinding, WaitForFirstConsumerProvisionsOnlyOnceAPodNamesTheClaim) {
  const std::vector<json> classes = {storage_class("local-path", "orkest.io/local-path", "WaitForFirstConsumer")};
  const json wanted = claim("1Gi", {{"storageClassName", "local-path"}});
  auto decision = decide_claim(wanted, {}, classes, false);
  EXPECT_EQ(decision.action, claim_action::wait);
  EXPECT_EQ(decision.reason, "WaitForFirstConsumer");
  EXPECT_EQ(decision.message, "waiting for first consumer to be created before binding");
  EXPECT_EQ(decide_claim(wanted, {}, classes, true).action, claim_action::provision);
}

TEST(VolumeBinding, AWaitingClaimSaysWhyInKubernetesWords) {
  auto decision = decide_claim(claim("1Gi", {{"storageClassName", ""}}), {volume("small", "1Mi", {{"storageClassName", ""}})},
                               {}, false);
  EXPECT_EQ(decision.action, claim_action::wait);
  EXPECT_EQ(decision.reason, "FailedBinding");
  EXPECT_EQ(decision.message, "no persistent volumes available for this claim and no storage class is set");
  decision = decide_claim(claim("1Gi", {{"storageClassName", "gold"}}), {}, {}, false);
  EXPECT_EQ(decision.reason, "ProvisioningFailed");
  EXPECT_EQ(decision.message, "storageclass.storage.k8s.io \"gold\" not found");
  decision = decide_claim(claim("1Gi", {{"storageClassName", "ebs"}}), {}, {storage_class("ebs", "ebs.csi.aws.com")}, false);
  EXPECT_EQ(decision.reason, "ExternalProvisioning");
  EXPECT_NE(decision.message.find("external provisioner 'ebs.csi.aws.com'"), std::string::npos);
}

TEST(VolumeBinding, BindingIsThreeWritesInOrder) {
  json wanted = claim("1Gi", {{"storageClassName", "manual"}});
  json target = volume("fits", "2Gi");
  EXPECT_EQ(next_binding_step(wanted, target), binding_step::volume_claim_ref);
  target = with_claim_ref(target, wanted);
  EXPECT_EQ(target["spec"]["claimRef"]["uid"], "c-1");
  EXPECT_EQ(next_binding_step(wanted, target), binding_step::claim_volume_name);
  wanted = with_volume_name(wanted, "fits");
  EXPECT_EQ(wanted["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"], "yes");
  EXPECT_EQ(next_binding_step(wanted, target), binding_step::claim_status);
  wanted["status"] = bound_claim_status(target);
  EXPECT_EQ(wanted["status"]["capacity"]["storage"], "2Gi");
  EXPECT_EQ(next_binding_step(wanted, target), binding_step::done);
  // Half-way (the claimRef stored), the claim goes on with the same volume.
  EXPECT_EQ(decide_claim(claim("1Gi", {{"storageClassName", "manual"}}), {volume("other", "1Gi"), target}, {}, false).volume,
            "fits");
}

TEST(VolumeBinding, AVolumeFollowsItsClaimAndIsReleasedThenDeletedOrRetained) {
  json wanted = with_volume_name(claim("1Gi", {{"storageClassName", "manual"}}), "fits");
  json bound = with_claim_ref(volume("fits", "2Gi"), wanted);
  EXPECT_EQ(decide_volume(volume("new", "1Gi"), {}), volume_action::none) << "already Available";
  json fresh = volume("fresh", "1Gi");
  fresh["status"] = {{"phase", "Pending"}};
  EXPECT_EQ(decide_volume(fresh, {}), volume_action::available);
  EXPECT_EQ(decide_volume(bound, {wanted}), volume_action::bound);
  EXPECT_EQ(decide_volume(bound, {}), volume_action::released) << "its claim is gone";
  bound["status"]["phase"] = "Released";
  EXPECT_EQ(decide_volume(bound, {}), volume_action::none) << "Retain keeps it";
  bound["spec"]["persistentVolumeReclaimPolicy"] = "Delete";
  EXPECT_EQ(decide_volume(bound, {}), volume_action::remove);
  EXPECT_EQ(decide_volume(bound, {}, true), volume_action::none) << "not under a pod that still names the claim";
  json recreated = wanted;
  recreated["metadata"]["uid"] = "c-2";
  EXPECT_EQ(decide_volume(bound, {recreated}), volume_action::remove) << "a new claim of the same name is another claim";
}

TEST(VolumeBinding, ABoundClaimWhoseVolumeWentIsLost) {
  json bound = with_volume_name(claim("1Gi", {{"storageClassName", "manual"}}), "gone");
  bound["status"] = {{"phase", "Bound"}};
  EXPECT_EQ(decide_claim(bound, {}, {}, false).action, claim_action::lost);
}

TEST(VolumeBinding, TheProvisionedVolumeIsTheClaimsOwnFolderPreBoundToIt) {
  const json wanted = claim("1Gi", {{"storageClassName", "local-path"}});
  const auto path = provisioned_path("/var/lib/orkest/storage", wanted);
  EXPECT_EQ(path, "/var/lib/orkest/storage/pvc-c-1_team_data");
  const auto made = provisioned_volume(wanted, storage_class("local-path", "orkest.io/local-path"), path);
  EXPECT_EQ(made["metadata"]["name"], "pvc-c-1");
  EXPECT_EQ(made["spec"]["capacity"]["storage"], "1Gi");
  EXPECT_EQ(made["spec"]["persistentVolumeReclaimPolicy"], "Delete");
  EXPECT_EQ(made["spec"]["hostPath"]["path"], path);
  EXPECT_EQ(made["spec"]["claimRef"]["uid"], "c-1");
  EXPECT_TRUE(is_provisioned_by_orkest(made));
  EXPECT_EQ(decide_claim(wanted, {made}, {}, false).volume, "pvc-c-1");
}

}  // namespace
}  // namespace orkest::control
