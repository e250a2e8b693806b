#pragma once
// Kubernetes' format rules for names, keys and values (k8s.io/apimachinery/pkg/util/validation),
// each returning Kubernetes' own explanations; an empty list means the value is valid.

#include <string>
#include <vector>

namespace orkest::model::name_rules {

std::vector<std::string> dns1123_label(const std::string& value);      // pod and container names
std::vector<std::string> dns1123_subdomain(const std::string& value);  // object names
std::vector<std::string> dns1035_label(const std::string& value);      // Service names
std::vector<std::string> qualified_name(const std::string& value);     // label and annotation keys
std::vector<std::string> label_value(const std::string& value);
std::vector<std::string> port_name(const std::string& value);  // IANA_SVC_NAME
std::vector<std::string> http_header_name(const std::string& value);  // probes' httpHeaders
std::vector<std::string> env_var_name(const std::string& value);
std::vector<std::string> config_key(const std::string& value);  // keys of ConfigMaps and Secrets
std::vector<std::string> port_number(long long value);  // 1..65535

}  // namespace orkest::model::name_rules
