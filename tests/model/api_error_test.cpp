// Status objects as Kubernetes renders them: the exact JSON a client (kubectl, client-go) parses.
#include "model/api_error.hpp"

#include <gtest/gtest.h>

namespace orkest::model {
namespace {

using nlohmann::json;

TEST(ApiError, NotFoundRendersKubernetesStatusWithPluralResourceAsKind) {
  EXPECT_EQ(to_status_json(not_found("pods", "", "x")), json::parse(R"({
    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
    "message": "pods \"x\" not found", "reason": "NotFound",
    "details": {"name": "x", "kind": "pods"}, "code": 404})"));
}

TEST(ApiError, GroupedResourcesAreQualifiedInTheMessageAndNamedInDetails) {
  auto error = not_found("replicasets", "apps", "web");
  EXPECT_EQ(error.message, "replicasets.apps \"web\" not found");
  auto status = to_status_json(error);
  EXPECT_EQ(status["details"], json::parse(R"({"name": "web", "group": "apps", "kind": "replicasets"})"));
}

TEST(ApiError, AlreadyExistsAndConflictUseKubernetesWording) {
  auto exists = already_exists("pods", "", "x");
  EXPECT_EQ(exists.code, 409);
  EXPECT_EQ(exists.reason, "AlreadyExists");
  EXPECT_EQ(exists.message, "pods \"x\" already exists");

  auto clash = conflict("pods", "", "x",
                        "the object has been modified; please apply your changes to the latest "
                        "version and try again");
  EXPECT_EQ(clash.code, 409);
  EXPECT_EQ(clash.reason, "Conflict");
  EXPECT_EQ(clash.message,
            "Operation cannot be fulfilled on pods \"x\": the object has been modified; please apply your changes "
            "to the latest version and try again");
  EXPECT_EQ(to_status_json(clash)["details"]["kind"], "pods");
}

TEST(ApiError, InvalidWithOneCauseNamesTheFieldAndKeepsTheCause) {
  auto error = invalid("Pod", "", "x", {{"FieldValueRequired", "spec.containers[0].image", "Required value"}});
  EXPECT_EQ(error.code, 422);
  EXPECT_EQ(error.message, "Pod \"x\" is invalid: spec.containers[0].image: Required value");
  EXPECT_EQ(to_status_json(error), json::parse(R"({
    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
    "message": "Pod \"x\" is invalid: spec.containers[0].image: Required value",
    "reason": "Invalid",
    "details": {"name": "x", "kind": "Pod",
                "causes": [{"reason": "FieldValueRequired", "message": "Required value",
                            "field": "spec.containers[0].image"}]},
    "code": 422})"));
}

TEST(ApiError, InvalidWithSeveralCausesBracketsThemAndCountsRepeatsOnce) {
  auto error = invalid("Pod", "", "x",
                       {{"FieldValueRequired", "spec.containers[0].image", "Required value"},
                        {"FieldValueInvalid", "metadata.name", "Invalid value: \"A\": bad"},
                        {"FieldValueRequired", "spec.containers[0].image", "Required value"}});
  EXPECT_EQ(error.message,
            "Pod \"x\" is invalid: [spec.containers[0].image: Required value, metadata.name: Invalid value: "
            "\"A\": bad]");
  EXPECT_EQ(error.causes.size(), 3u);
}

TEST(ApiError, InvalidGroupedKindIsQualifiedLikeKubernetes) {
  auto error = invalid("ReplicaSet", "apps", "web", {{"FieldValueRequired", "spec.selector", "Required value"}});
  EXPECT_EQ(error.message, "ReplicaSet.apps \"web\" is invalid: spec.selector: Required value");
  auto details = to_status_json(error)["details"];
  EXPECT_EQ(details["kind"], "ReplicaSet");
  EXPECT_EQ(details["group"], "apps");
}

TEST(ApiError, ErrorsWithoutSubjectOmitDetails) {
  auto status = to_status_json(bad_request("request body is empty"));
  EXPECT_EQ(status, json::parse(R"({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                    "message": "request body is empty", "reason": "BadRequest", "code": 400})"));
}

TEST(ApiError, EveryConstructorCarriesKubernetesReasonAndCode) {
  struct expectation {
    api_error error;
    int code;
    const char* reason;
  };
  const expectation all[] = {
      {bad_request("m"), 400, "BadRequest"},
      {not_found("pods", "", "x"), 404, "NotFound"},
      {already_exists("pods", "", "x"), 409, "AlreadyExists"},
      {conflict("pods", "", "x", "why"), 409, "Conflict"},
      {invalid("Pod", "", "x", {}), 422, "Invalid"},
      {method_not_allowed("m"), 405, "MethodNotAllowed"},
      {unsupported_media_type("text/plain"), 415, "UnsupportedMediaType"},
      {request_entity_too_large(3145728), 413, "RequestEntityTooLarge"},
      {gone("m"), 410, "Gone"},
      {timeout("m"), 504, "Timeout"},
      {internal_error("m"), 500, "InternalError"},
      {unauthorized(), 401, "Unauthorized"},
  };
  for (const auto& [error, code, reason] : all) {
    EXPECT_EQ(error.code, code) << reason;
    EXPECT_EQ(error.reason, reason);
    auto status = to_status_json(error);
    EXPECT_EQ(status["code"], code);
    EXPECT_EQ(status["reason"], reason);
    EXPECT_EQ(status["status"], "Failure");
  }
}

TEST(ApiError, MessagesOfTheRemainingConstructors) {
  EXPECT_EQ(invalid("Pod", "", "x", {}).message, "Pod \"x\" is invalid");
  EXPECT_EQ(request_entity_too_large(3145728).message, "Request entity too large: limit is 3145728");
  EXPECT_EQ(timeout("request did not complete within 60s").message, "Timeout: request did not complete within 60s");
  EXPECT_EQ(unauthorized().message, "Unauthorized");
  EXPECT_EQ(method_not_allowed("DELETE is not supported").message, "DELETE is not supported");
  EXPECT_EQ(gone("too old resource version: 1 (5)").message, "too old resource version: 1 (5)");
  auto media = unsupported_media_type("text/plain");
  EXPECT_NE(media.message.find("\"text/plain\""), std::string::npos) << media.message;
  EXPECT_NE(media.message.find("application/json, application/yaml"), std::string::npos) << media.message;
}

TEST(ApiError, InternalErrorKeepsTheCauseAsKubernetesDoes) {
  auto status = to_status_json(internal_error("range is full"));
  EXPECT_EQ(status["message"], "Internal error occurred: range is full");
  EXPECT_EQ(status["details"], json::parse(R"({"causes": [{"message": "range is full"}]})"));
}

TEST(ApiError, SuccessStatus) {
  EXPECT_EQ(success_status(), json::parse(R"({"kind": "Status", "apiVersion": "v1", "metadata": {},
                                              "status": "Success", "code": 200})"));
  EXPECT_EQ(success_status("deleted")["message"], "deleted");
}

}  // namespace
}  // namespace orkest::model
