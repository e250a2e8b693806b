#include "podman/container_runtime.hpp"

namespace orkest::podman {

const char* reason_text(runtime_reason reason) {
  switch (reason) {
    case runtime_reason::failed: return "RuntimeError";
    case runtime_reason::timed_out: return "RuntimeTimeout";
    case runtime_reason::not_found: return "NotFound";
    case runtime_reason::image_pull: return "ErrImagePull";
    case runtime_reason::image_never_pull: return "ErrImageNeverPull";
    case runtime_reason::create_config: return "CreateContainerConfigError";
    case runtime_reason::create: return "CreateContainerError";
    case runtime_reason::run: return "RunContainerError";
    case runtime_reason::name_in_use: return "ContainerNameInUse";
    case runtime_reason::address_in_use: return "AddressInUse";
    case runtime_reason::address_rejected: return "AddressRejected";
  }
  return "RuntimeError";
}

}  // namespace orkest::podman
