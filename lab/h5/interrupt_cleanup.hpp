#pragma once
// Removes half-written temporary files when the process is interrupted (SIGINT, SIGTERM, SIGHUP):
// destructors do not run then, and a stale "<name>.tmp-<host>-<pid>" would be left behind.
#include <filesystem>

namespace moelab::h5 {

// Registers `path` for removal on interruption; returns a slot (-1 when all slots are taken,
// in which case the file is simply not cleaned up on a signal). Installs the handlers once, for
// SIGTERM and SIGHUP only where the handler is still the default, for SIGINT also where it was
// inherited as ignored (background jobs of a shell).
int register_interrupt_cleanup(const std::filesystem::path& path);
// Installs the handlers now (moelab does at start-up, so that a background run stops on SIGINT
// even before it opens a file); registering a path installs them too.
void install_interrupt_handlers();
// The file was committed or removed normally.
void unregister_interrupt_cleanup(int slot);

}  // namespace moelab::h5
