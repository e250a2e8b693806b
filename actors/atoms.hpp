#pragma once
// Message tags shared by orkest's typed actor interfaces (CAF 0.17 atoms, at most 10 chars).

#include <caf/atom.hpp>

namespace orkest::actors {

// store
using create_atom = caf::atom_constant<caf::atom("create")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using update_atom = caf::atom_constant<caf::atom("update")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using patch_atom = caf::atom_constant<caf::atom("patch")>;
using delete_atom = caf::atom_constant<caf::atom("delete")>;
using watch_atom = caf::atom_constant<caf::atom("watch")>;
using unwatch_atom = caf::atom_constant<caf::atom("unwatch")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;
using sync_atom = caf::atom_constant<caf::atom("sync")>;
using bind_atom = caf::atom_constant<caf::atom("bind")>;

// runtime
using run_atom = caf::atom_constant<caf::atom("run")>;
using start_atom = caf::atom_constant<caf::atom("start")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using remove_atom = caf::atom_constant<caf::atom("remove")>;
using inspect_atom = caf::atom_constant<caf::atom("inspect")>;
using logs_atom = caf::atom_constant<caf::atom("logs")>;
using exec_atom = caf::atom_constant<caf::atom("exec")>;
using kill_atom = caf::atom_constant<caf::atom("kill")>;
// A pod's probe is due; and what it found.
using probe_atom = caf::atom_constant<caf::atom("probe")>;
using probed_atom = caf::atom_constant<caf::atom("probed")>;

// controllers and pods
using resync_atom = caf::atom_constant<caf::atom("resync")>;
using restart_atom = caf::atom_constant<caf::atom("restart")>;
using drained_atom = caf::atom_constant<caf::atom("drained")>;
using ready_atom = caf::atom_constant<caf::atom("ready")>;
using backoff_atom = caf::atom_constant<caf::atom("backoff")>;

// pod volumes
using setup_atom = caf::atom_constant<caf::atom("setup")>;
using teardown_atom = caf::atom_constant<caf::atom("teardown")>;
using orphans_atom = caf::atom_constant<caf::atom("orphans")>;
using provision_atom = caf::atom_constant<caf::atom("provision")>;
using message_atom = caf::atom_constant<caf::atom("message")>;

}  // namespace orkest::actors
