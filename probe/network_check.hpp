#pragma once
// One HTTP or TCP probe of a pod, as the prober makes it, and what it found; the request text
// and the reading of the answer as the kubelet's prober words them. Pure.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orkest::probe {

struct network_check {
  enum class kind { http, tcp };
  kind type = kind::tcp;
  std::string ip;  // numeric IPv4: the pod's own address
  uint16_t port = 0;
  std::string path = "/";  // http
  std::vector<std::pair<std::string, std::string>> headers;  // http, validated: no line breaks
  std::chrono::milliseconds timeout{1000};
};

struct probe_outcome {
  bool success = false;
  std::string output;  // why it failed, in the kubelet's words (empty on success)
};

// GET path HTTP/1.1 with Host, User-Agent kube-probe/1.30 and Accept */* unless the probe's own
// headers set them, and Connection: close.
std::string http_request(const network_check& check);

// The outcome once the answer's status line is read (or the connection ended): 2xx and 3xx
// succeed, as Kubernetes' HTTP prober; nullopt-like `complete == false` while more is needed.
struct http_reading {
  bool complete = false;
  probe_outcome outcome;
};
http_reading read_http_answer(std::string_view received, bool connection_closed, const network_check& check);

// "http://10.88.0.5:5000/health"
std::string probe_url(const network_check& check);
// The kubelet's wording of a failed connect or a timeout.
std::string connect_failure(const network_check& check, int error);
std::string timeout_failure(const network_check& check);

}  // namespace orkest::probe
