#include "lab/runner/partial_store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "base/input_error.hpp"
#include "lab/h5/interrupt_cleanup.hpp"
#include "moelab_build_info.hpp"

namespace moelab::lab {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kManifestMagic = "moelab-partial-results 1";
constexpr std::string_view kPointMagic = "MOELABP1";  // 8 bytes, then index, size, checksum (u64 each)
constexpr std::size_t kPointHeaderBytes = 8 + 3 * sizeof(std::uint64_t);

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string build_id() { return fmt::format("moelab {} git {}", build_info::version, build_info::git_commit); }

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `parts` to `path` through a temporary in the same directory, renamed when complete.
void write_atomically(const fs::path& path, std::initializer_list<std::string_view> parts) {
  fs::path temp = path;
  temp += fmt::format(".tmp-{}", ::getpid());
  const int slot = h5::register_interrupt_cleanup(temp);
  auto fail = [&](const std::string& what, int err) {
    ::unlink(temp.c_str());
    h5::unregister_interrupt_cleanup(slot);
    throw std::runtime_error(fmt::format("{} {}: {}", what, temp.string(), std::strerror(err)));
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create", errno);
  for (std::string_view part : parts) {
    while (!part.empty()) {
      const ssize_t n = ::write(fd, part.data(), part.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = n < 0 ? errno : ENOSPC;
        ::close(fd);
        fail("cannot write", err);
      }
      part.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  if (::close(fd) != 0) fail("cannot write", errno);
  if (::rename(temp.c_str(), path.c_str()) != 0) fail("cannot rename", errno);
  h5::unregister_interrupt_cleanup(slot);
}

template <class T>
void append_pod(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
template <class T>
T read_pod(std::string_view in, std::size_t at) {
  T v;
  std::memcpy(&v, in.data() + at, sizeof v);
  return v;
}

// The payload of a point file, or nothing when the file is not a whole point `index`.
std::optional<std::string_view> point_payload(std::string_view file, std::size_t index) {
  if (file.size() < kPointHeaderBytes || file.substr(0, 8) != kPointMagic) return std::nullopt;
  const auto stored_index = read_pod<std::uint64_t>(file, 8);
  const auto size = read_pod<std::uint64_t>(file, 16);
  const auto checksum = read_pod<std::uint64_t>(file, 24);
  const std::string_view payload = file.substr(kPointHeaderBytes);
  if (stored_index != index || size != payload.size() || fnv1a64(payload) != checksum) return std::nullopt;
  return payload;
}

// The first line where two texts differ, for the "config changed" message.
std::string first_difference(const std::string& before, const std::string& now) {
  std::istringstream a(before), b(now);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ha = static_cast<bool>(std::getline(a, la));
    const bool hb = static_cast<bool>(std::getline(b, lb));
    if (!ha && !hb) return "";
    if (!ha) la = "(end)";
    if (!hb) lb = "(end)";
    if (!ha || !hb || la != lb)
      return fmt::format("line {} of the effective config was '{}', is now '{}'", line, la, lb);
  }
}

}  // namespace

std::string point_key(const PlannedRun& run) {
  std::uint64_t h = fnv1a64(build_id());
  h = fnv1a64(fmt::format("\nseed {}\n", run.config.seed), h);
  h = fnv1a64(run.config_toml, h);
  return fmt::format("{:016x}", h);
}

PartialStore::PartialStore(fs::path dir, std::vector<std::string> point_keys, std::string config_toml, bool resume,
                           const std::string& config_file)
    : dir_(std::move(dir)),
      keys_(std::move(point_keys)),
      config_toml_(std::move(config_toml)),
      finished_(keys_.size(), false) {
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return;  // created with the first finished point
  if (!fs::is_directory(dir_, ec)) {
    throw InputError({dir_.string(), 0, 0}, "", "is in the way: the partial results of this output would go here");
  }
  lock();
  try {
    if (fs::exists(dir_ / "manifest")) {
      adopt_existing(resume, config_file);
    } else {
      create_fresh();
    }
  } catch (...) {
    ::close(lock_fd_);  // no destructor runs for a constructor that throws
    lock_fd_ = -1;
    throw;
  }
}

void PartialStore::lock() {
  const fs::path lock = dir_ / "lock";
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) {
    throw InputError({dir_.string(), 0, 0}, "",
                     std::string("cannot write the partial results here: ") + std::strerror(errno));
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw InputError({dir_.string(), 0, 0}, "", "another moelab process is writing these results now");
  }
}

PartialStore::~PartialStore() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

std::size_t PartialStore::finished_count() const {
  std::size_t n = 0;
  for (bool f : finished_) n += f ? 1 : 0;
  return n;
}

fs::path PartialStore::point_path(std::size_t index) const {
  return dir_ / fmt::format("{:06d}-{}.point", index, keys_.at(index));
}

std::string PartialStore::manifest_text() const {
  std::string out = fmt::format("{}\n{}\npoints {}\n", kManifestMagic, build_id(), keys_.size());
  for (std::size_t i = 0; i < keys_.size(); ++i) out += fmt::format("{} {}\n", i, keys_[i]);
  return out + "config\n" + config_toml_;
}

void PartialStore::create_fresh() {
  // Whatever an earlier run left (no manifest: it was killed before its first point) goes.
  for (const auto& e : fs::directory_iterator(dir_)) {
    if (e.path().filename() != "lock") fs::remove_all(e.path());
  }
  const std::string text = manifest_text();
  try {
    write_atomically(dir_ / "manifest", {text});
  } catch (const std::runtime_error& e) {
    throw InputError({dir_.string(), 0, 0}, "", std::string("cannot write the partial results here: ") + e.what());
  }
}

void PartialStore::check_same_sweep(const std::string& manifest, const std::string& config_file) const {
  const std::string now = manifest_text();
  if (manifest == now) return;
  std::istringstream in(manifest);
  std::string magic, build;
  std::getline(in, magic);
  std::getline(in, build);
  std::string why;
  if (magic != kManifestMagic) {
    why = "they were written in a format this moelab does not read";
  } else if (build != build_id()) {
    why = fmt::format("they were computed by {}, this is {}", build, build_id());
  } else {
    const auto at = manifest.find("\nconfig\n");
    const std::string before = at == std::string::npos ? std::string() : manifest.substr(at + 8);
    const std::string diff = first_difference(before, config_toml_);
    why = "the experiment changed since they were computed" + (diff.empty() ? std::string() : " (" + diff + ")");
  }
  throw InputError({config_file, 0, 0}, "--resume",
                   fmt::format("cannot resume from {}: {}; rerun without --resume to start over (after deleting that "
                               "directory), or restore the experiment",
                               dir_.string(), why));
}

void PartialStore::adopt_existing(bool resume, const std::string& config_file) {
  const std::string manifest = read_file(dir_ / "manifest");
  // The keys the store was made for (its point files are named by them), from the manifest.
  std::vector<std::string> stored_keys;
  {
    std::istringstream in(manifest);
    std::string line;
    std::size_t points = 0;
    for (int i = 0; i < 2 && std::getline(in, line); ++i) {}
    if (std::getline(in, line) && line.rfind("points ", 0) == 0) points = std::stoul(line.substr(7));
    for (std::size_t i = 0; i < points && std::getline(in, line); ++i) {
      const auto space = line.find(' ');
      stored_keys.push_back(space == std::string::npos ? std::string() : line.substr(space + 1));
    }
  }
  // Finished points: files named for their index and stored key whose content checks out.
  // Temporaries of killed writers and anything unreadable go.
  std::vector<bool> stored_finished(stored_keys.size(), false);
  std::vector<fs::path> stray;
  bool any_point_files = false;
  for (const auto& e : fs::directory_iterator(dir_)) {
    const std::string name = e.path().filename().string();
    if (name == "lock" || name == "manifest") continue;
    bool usable = false;
    const bool point_file = name.size() > 6 && name.substr(name.size() - 6) == ".point";
    any_point_files = any_point_files || point_file;
    if (point_file) {
      try {
        const std::size_t index = std::stoul(name.substr(0, name.find('-')));
        usable = index < stored_keys.size() && name == fmt::format("{:06d}-{}.point", index, stored_keys[index]) &&
                 point_payload(read_file(e.path()), index).has_value();
        if (usable) stored_finished[index] = true;
      } catch (const std::exception&) {
        usable = false;
      }
    }
    if (!usable) stray.push_back(e.path());
  }
  const bool any_finished = std::find(stored_finished.begin(), stored_finished.end(), true) != stored_finished.end();
  if (!resume) {
    if (any_point_files) {
      throw InputError({dir_.string(), 0, 0}, "",
                       "an interrupted run of this output left its finished points here; add --resume to continue "
                       "it, or delete this directory to start over");
    }
    create_fresh();
    return;
  }
  if (!any_finished) {  // nothing finished: nothing to keep, whatever the experiment was
    create_fresh();
    return;
  }
  check_same_sweep(manifest, config_file);  // same manifest: same keys
  finished_ = stored_finished;
  for (const auto& p : stray) {
    std::error_code ec;
    fs::remove_all(p, ec);
  }
}

void PartialStore::save(std::size_t index, std::string_view bytes) {
  if (lock_fd_ < 0) {
    // The first finished point: only now does the store appear on disk, so a run stopped before
    // finishing any point leaves nothing behind.
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) throw std::runtime_error("cannot create " + dir_.string() + ": " + ec.message());
    lock();  // another run holding these partial results: InputError (exit 2), nothing written
    create_fresh();
  }
  std::string header(kPointMagic);
  append_pod<std::uint64_t>(header, index);
  append_pod<std::uint64_t>(header, bytes.size());
  append_pod<std::uint64_t>(header, fnv1a64(bytes));
  write_atomically(point_path(index), {header, bytes});
  finished_.at(index) = true;
}

std::string PartialStore::load(std::size_t index) const {
  std::string file = read_file(point_path(index));
  const auto payload = point_payload(file, index);
  if (!payload) throw std::runtime_error("corrupt partial result " + point_path(index).string());
  return file.substr(kPointHeaderBytes);
}

void PartialStore::remove() {
  if (lock_fd_ < 0) return;  // never created
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

}  // namespace moelab::lab
