#pragma once
// Removes half-written temporary files when the process is interrupted (SIGINT, SIGTERM, SIGHUP):
// destructors do not run then, and a stale "<name>.tmp-<pid>" would be left behind.
#include <filesystem>

namespace moelab::h5 {

// Registers `path` for removal on interruption; returns a slot (-1 when all slots are taken,
// in which case the file is simply not cleaned up on a signal). Installs the handlers once,
// and only for signals whose handler is still the default.
int register_interrupt_cleanup(const std::filesystem::path& path);
// The file was committed or removed normally.
void unregister_interrupt_cleanup(int slot);

}  // namespace moelab::h5
