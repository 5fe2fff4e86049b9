#include "lab/h5/writer.hpp"

#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "base/input_error.hpp"
#include "base/input_files.hpp"
#include "lab/h5/interrupt_cleanup.hpp"
#include "moelab_build_info.hpp"

namespace moelab::h5 {
namespace {

// errno values that mean the system could not store the data (not a bug, not bad input).
bool is_storage_errno(int e) { return e == ENOSPC || e == EDQUOT || e == EIO || e == EFBIG || e == EROFS; }

// HDF5 reports failures by return value; the errno of the failed write(2) is still set then.
[[noreturn]] void fail(const std::string& what) {
  const int e = errno;
  if (is_storage_errno(e)) throw WriteError("HDF5: " + what + ": " + std::strerror(e));
  throw std::runtime_error("HDF5: " + what);
}

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) fail(what);
  return id;
}
void check_status(herr_t status, const std::string& what) {
  if (status < 0) fail(what);
}

// Closes an HDF5 handle of any kind when it goes out of scope.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      if (id_ >= 0) H5Idec_ref(id_);
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  ~Handle() {
    if (id_ >= 0) H5Idec_ref(id_);
  }
  hid_t get() const { return id_; }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

// Object-creation properties shared by groups and datasets: no timestamps, so two runs of the
// same data write the same bytes.
Handle untimed_plist(hid_t plist_class) {
  Handle p(check(H5Pcreate(plist_class), "H5Pcreate"));
  check_status(H5Pset_obj_track_times(p.get(), false), "H5Pset_obj_track_times");
  return p;
}

// Variable-length UTF-8 string: h5py reads these attributes as Python str.
Handle vlen_utf8_type() {
  Handle t(check(H5Tcopy(H5T_C_S1), "H5Tcopy"));
  check_status(H5Tset_size(t.get(), H5T_VARIABLE), "H5Tset_size");
  check_status(H5Tset_cset(t.get(), H5T_CSET_UTF8), "H5Tset_cset");
  return t;
}

// Fixed-length UTF-8 string of `bytes` (at least 1), padded with NULs.
Handle fixed_utf8_type(std::size_t bytes) {
  Handle t(check(H5Tcopy(H5T_C_S1), "H5Tcopy"));
  check_status(H5Tset_size(t.get(), std::max<std::size_t>(bytes, 1)), "H5Tset_size");
  check_status(H5Tset_strpad(t.get(), H5T_STR_NULLPAD), "H5Tset_strpad");
  check_status(H5Tset_cset(t.get(), H5T_CSET_UTF8), "H5Tset_cset");
  return t;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) parts.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) parts.push_back(std::move(cur));
  return parts;
}

// Parent path and leaf name of "/a/b/c" -> ("/a/b", "c").
std::pair<std::string, std::string> split_leaf(std::string_view path) {
  auto parts = split_path(path);
  if (parts.empty()) fail("empty object path");
  std::string leaf = parts.back();
  parts.pop_back();
  std::string parent = "/";
  for (const auto& p : parts) parent += p + "/";
  return {parent, leaf};
}

bool link_exists(hid_t loc, const std::string& path) {
  // H5Lexists fails when an intermediate link is missing, so walk the path one link at a time.
  std::string cur;
  for (const auto& part : split_path(path)) {
    cur += "/" + part;
    const htri_t e = H5Lexists(loc, cur.c_str(), H5P_DEFAULT);
    if (e <= 0) return false;
  }
  return true;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

// The host name as it appears in temporary names: file-name-safe, at most 64 characters.
std::string host_tag() {
  std::string h = host_name().substr(0, 64);
  for (char& c : h) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) c = '_';
  }
  return h.empty() ? std::string("host") : h;
}

std::string temp_prefix(const std::filesystem::path& final_path) {
  return final_path.filename().string() + ".tmp-" + host_tag() + "-";
}

bool process_is_gone(long pid) {
  if (pid <= 0 || pid == static_cast<long>(::getpid())) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// Removes "<final>.tmp-<host>-<pid>" files of this host whose process is gone and that are
// regular files owned by this user: what a killed moelab left behind. Anything else is kept.
void remove_stale_temporaries(const std::filesystem::path& final_path) {
  const std::string prefix = temp_prefix(final_path);
  const auto dir = final_path.has_parent_path() ? final_path.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    const long pid = std::stol(digits);
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) continue;
    if (!process_is_gone(pid)) continue;
    if (::unlink(it->path().c_str()) == 0) {
      const auto shown = final_path.has_parent_path() ? final_path.parent_path() / name : std::filesystem::path(name);
      std::fprintf(stderr, "moelab: note: removed %s, left behind by process %ld, which no longer runs\n",
                   shown.string().c_str(), pid);
    }
  }
}

// What a path is, in words, for the kinds an output may not be.
const char* special_kind(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return "a directory";
  if (S_ISFIFO(st.st_mode)) return "a FIFO";
  if (S_ISCHR(st.st_mode)) return "a character device";
  if (S_ISBLK(st.st_mode)) return "a block device";
  if (S_ISSOCK(st.st_mode)) return "a socket";
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  return nullptr;
}

void write_string_attr(hid_t obj, const std::string& name, const std::string& value) {
  Handle type = vlen_utf8_type();
  Handle space(check(H5Screate(H5S_SCALAR), "H5Screate"));
  Handle attr(check(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    "create attribute " + name));
  const char* ptr = value.c_str();
  check_status(H5Awrite(attr.get(), type.get(), &ptr), "write attribute " + name);
}

void write_string_array_attr(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  Handle type = vlen_utf8_type();
  const hsize_t n = values.size();
  Handle space(check(H5Screate_simple(1, &n, nullptr), "H5Screate_simple"));
  Handle attr(check(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    "create attribute " + name));
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  check_status(H5Awrite(attr.get(), type.get(), ptrs.data()), "write attribute " + name);
}

template <class T>
void write_numeric_attr(hid_t obj, const std::string& name, hid_t file_type, hid_t mem_type, const T* data, hsize_t n,
                        bool scalar) {
  Handle space(check(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), "H5Screate"));
  Handle attr(check(H5Acreate2(obj, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    "create attribute " + name));
  check_status(H5Awrite(attr.get(), mem_type, data), "write attribute " + name);
}

void write_attr(hid_t obj, const std::string& name, const AttrValue& value) {
  if (H5Aexists(obj, name.c_str()) > 0) check_status(H5Adelete(obj, name.c_str()), "replace attribute " + name);
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) {
          write_string_attr(obj, name, v);
        } else if constexpr (std::is_same_v<V, double>) {
          write_numeric_attr(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v, 1, true);
        } else if constexpr (std::is_same_v<V, std::int64_t>) {
          write_numeric_attr(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v, 1, true);
        } else if constexpr (std::is_same_v<V, std::vector<double>>) {
          write_numeric_attr(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v.data(), v.size(), false);
        } else {
          write_string_array_attr(obj, name, v);
        }
      },
      value);
}

// One compound field: its HDF5 types (file: little-endian; memory: native) and byte size.
struct Field {
  std::size_t offset = 0;
  std::size_t size = 0;
  Handle file_type;
  Handle mem_type;
};

Field make_field(const Column& col) {
  Field f;
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::vector<double>>) {
          f.file_type = Handle(check(H5Tcopy(H5T_IEEE_F64LE), "H5Tcopy"));
          f.mem_type = Handle(check(H5Tcopy(H5T_NATIVE_DOUBLE), "H5Tcopy"));
          f.size = sizeof(double);
        } else if constexpr (std::is_same_v<V, std::vector<std::int64_t>>) {
          f.file_type = Handle(check(H5Tcopy(H5T_STD_I64LE), "H5Tcopy"));
          f.mem_type = Handle(check(H5Tcopy(H5T_NATIVE_INT64), "H5Tcopy"));
          f.size = sizeof(std::int64_t);
        } else if constexpr (std::is_same_v<V, std::vector<std::int32_t>>) {
          f.file_type = Handle(check(H5Tcopy(H5T_STD_I32LE), "H5Tcopy"));
          f.mem_type = Handle(check(H5Tcopy(H5T_NATIVE_INT32), "H5Tcopy"));
          f.size = sizeof(std::int32_t);
        } else {
          std::size_t longest = 1;
          for (const auto& s : v) longest = std::max(longest, s.size());
          f.file_type = fixed_utf8_type(longest);
          f.mem_type = fixed_utf8_type(longest);
          f.size = longest;
        }
      },
      col.data);
  return f;
}

// Rows of at least this many bytes in total are chunked and compressed.
constexpr std::size_t kCompressAboveBytes = 64 * 1024;
constexpr std::size_t kChunkTargetBytes = 256 * 1024;
// Level 1: most of the gain of higher levels on these columns at a fraction of the CPU time.
constexpr unsigned kDeflateLevel = 1;

}  // namespace

void check_output_path(const std::filesystem::path& final_path) {
  const SourceLocation where{final_path.string(), 0, 0};
  if (final_path.empty()) throw InputError(where, "", "the output path is empty");
  struct stat st {};
  if (::lstat(final_path.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) {
      std::error_code ec;
      const auto target = std::filesystem::read_symlink(final_path, ec);
      throw InputError(where, "",
                       "the output path is a symbolic link (to " + (ec ? std::string("?") : target.string()) +
                           "); name the file itself, or remove the link");
    }
    if (const char* kind = special_kind(st)) {
      throw InputError(where, "",
                       std::string("the output path is ") + kind + "; name a regular file (e.g. out/result.h5)");
    }
    const auto input = input_file_same_as(final_path);
    if (!input.empty()) {
      throw InputError(where, "",
                       "the output path is " + input.string() + ", an input of this run; choose another output path");
    }
  }
  // Every existing ancestor must be a directory (one that is a file would fail only at creation).
  for (auto p = final_path.parent_path(); !p.empty(); p = p.parent_path()) {
    if (::stat(p.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) throw InputError(where, "", p.string() + " is not a directory");
      break;
    }
    if (p == p.parent_path()) break;
  }
}

Writer::Writer(std::filesystem::path final_path) : final_path_(std::move(final_path)) {
  // No library clean-up at exit: after a close that failed (a full disk), HDF5 1.10 would close
  // the half-closed file again at exit and crash. Every file is closed, or abandoned and removed,
  // before then. Only effective before HDF5's first use, so it comes first.
  H5dont_atexit();
  // Errors surface as exceptions; HDF5's own stack dump on stderr would only add noise.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  check_output_path(final_path_);
  if (final_path_.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(final_path_.parent_path(), ec);
    if (ec) {
      throw InputError({final_path_.string(), 0, 0}, "",
                       "cannot create the directory " + final_path_.parent_path().string() + ": " + ec.message());
    }
  }
  remove_stale_temporaries(final_path_);
  temp_path_ = final_path_;
  temp_path_ += ".tmp-" + host_tag() + "-" + std::to_string(::getpid());
  Handle fcpl = untimed_plist(H5P_FILE_CREATE);
  interrupt_slot_ = register_interrupt_cleanup(temp_path_);
  errno = 0;
  file_ = H5Fcreate(temp_path_.c_str(), H5F_ACC_EXCL, fcpl.get(), H5P_DEFAULT);
  if (file_ < 0) {
    const int e = errno;
    unregister_interrupt_cleanup(interrupt_slot_);
    interrupt_slot_ = -1;
    const std::string why = e != 0 ? std::strerror(e) : "HDF5 could not create it";
    if (is_storage_errno(e)) throw WriteError("cannot create " + temp_path_.string() + ": " + why);
    throw InputError({final_path_.string(), 0, 0}, "",
                     "cannot create the result file " + temp_path_.string() + ": " + why);
  }
}

Writer::~Writer() {
  if (file_ >= 0) {
    H5Fclose(static_cast<hid_t>(file_));
    file_ = -1;
  }
  if (!committed_ && !temp_path_.empty()) {
    std::error_code ec;
    std::filesystem::remove(temp_path_, ec);
  }
  unregister_interrupt_cleanup(interrupt_slot_);
}

std::int64_t Writer::ensure_group(std::string_view path) {
  const hid_t file = static_cast<hid_t>(file_);
  hid_t current = check(H5Gopen2(file, "/", H5P_DEFAULT), "open root group");
  Handle gcpl = untimed_plist(H5P_GROUP_CREATE);
  for (const auto& part : split_path(path)) {
    Handle parent(current);
    const htri_t exists = H5Lexists(parent.get(), part.c_str(), H5P_DEFAULT);
    if (exists > 0) {
      current = check(H5Gopen2(parent.get(), part.c_str(), H5P_DEFAULT), "open group " + part);
    } else {
      current =
          check(H5Gcreate2(parent.get(), part.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), "create group " + part);
    }
  }
  return current;
}

void Writer::write_provenance(const Provenance& p) {
  set_attr("/", "schema", std::string("moelab-results"));
  set_attr("/", "schema_version", kSchemaVersion);
  set_attr("/", "kind", p.kind);
  set_attr("/", "moelab_version", std::string(build_info::version));
  set_attr("/", "git_commit", std::string(build_info::git_commit));
  set_attr("/", "created_utc", utc_now_iso8601());
  set_attr("/", "host", host_name());
  set_attr("/", "command_line", p.command_line);
  set_attr("/", "config_path", p.config_path);
  set_attr("/", "config_toml", p.config_toml);
}

void Writer::set_attr(std::string_view object_path, std::string_view name, const AttrValue& value) {
  try {
    if (file_ < 0) throw std::logic_error("h5::Writer used after commit()");
    const std::string path(object_path);
    Handle obj;
    if (split_path(path).empty() || !link_exists(static_cast<hid_t>(file_), path)) {
      obj = Handle(static_cast<hid_t>(ensure_group(path)));
    } else {
      obj = Handle(check(H5Oopen(static_cast<hid_t>(file_), path.c_str(), H5P_DEFAULT), "open " + path));
    }
    write_attr(obj.get(), std::string(name), value);
  } catch (const WriteError& e) {
    throw WriteError(e.what() + outcome());
  }
}

void Writer::write_table(std::string_view dataset_path, const Table& table) {
  try {
    if (file_ < 0) throw std::logic_error("h5::Writer used after commit()");
    const auto& cols = table.columns();
    if (cols.empty()) throw std::logic_error("h5::Table without columns: " + std::string(dataset_path));

    std::vector<Field> fields;
    std::size_t row_bytes = 0;
    for (const auto& c : cols) {
      fields.push_back(make_field(c));
      fields.back().offset = row_bytes;
      row_bytes += fields.back().size;
    }
    // Packed layout, same offsets in memory and on disk; only the byte order may differ.
    Handle file_type(check(H5Tcreate(H5T_COMPOUND, row_bytes), "H5Tcreate"));
    Handle mem_type(check(H5Tcreate(H5T_COMPOUND, row_bytes), "H5Tcreate"));
    for (std::size_t i = 0; i < cols.size(); ++i) {
      check_status(H5Tinsert(file_type.get(), cols[i].name.c_str(), fields[i].offset, fields[i].file_type.get()),
                   "field " + cols[i].name);
      check_status(H5Tinsert(mem_type.get(), cols[i].name.c_str(), fields[i].offset, fields[i].mem_type.get()),
                   "field " + cols[i].name);
    }

    const std::size_t rows = table.rows();
    std::vector<unsigned char> buffer(rows * row_bytes, 0);  // zero: string padding is deterministic
    for (std::size_t i = 0; i < cols.size(); ++i) {
      const std::size_t off = fields[i].offset;
      const std::size_t width = fields[i].size;
      std::visit(
          [&](const auto& v) {
            using V = std::decay_t<decltype(v)>;
            for (std::size_t r = 0; r < rows; ++r) {
              unsigned char* dst = buffer.data() + r * row_bytes + off;
              if constexpr (std::is_same_v<V, std::vector<std::string>>) {
                std::memcpy(dst, v[r].data(), std::min(width, v[r].size()));
              } else {
                std::memcpy(dst, &v[r], sizeof(v[r]));
              }
            }
          },
          cols[i].data);
    }

    const auto [parent_path, leaf] = split_leaf(dataset_path);
    Handle parent(static_cast<hid_t>(ensure_group(parent_path)));
    const hsize_t dims = rows;
    Handle space(check(H5Screate_simple(1, &dims, nullptr), "H5Screate_simple"));
    Handle dcpl = untimed_plist(H5P_DATASET_CREATE);
    if (rows * row_bytes >= kCompressAboveBytes) {
      const hsize_t chunk_rows = std::clamp<hsize_t>(kChunkTargetBytes / std::max<std::size_t>(row_bytes, 1), 1, rows);
      check_status(H5Pset_chunk(dcpl.get(), 1, &chunk_rows), "H5Pset_chunk");
      check_status(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle");
      check_status(H5Pset_deflate(dcpl.get(), kDeflateLevel), "H5Pset_deflate");
    }
    Handle ds(check(
        H5Dcreate2(parent.get(), leaf.c_str(), file_type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
        "create dataset " + std::string(dataset_path)));
    if (rows > 0) {
      check_status(H5Dwrite(ds.get(), mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()),
                   "write dataset " + std::string(dataset_path));
    }
    std::vector<std::string> units, descriptions;
    bool described = false;
    for (const auto& c : cols) {
      units.push_back(c.unit);
      descriptions.push_back(c.description);
      described = described || !c.description.empty();
    }
    write_attr(ds.get(), "units", units);
    if (described) write_attr(ds.get(), "descriptions", descriptions);
  } catch (const WriteError& e) {
    throw WriteError(e.what() + outcome());
  }
}

void Writer::write_array(std::string_view dataset_path, const std::vector<double>& values, std::string_view unit) {
  try {
    if (file_ < 0) throw std::logic_error("h5::Writer used after commit()");
    const auto [parent_path, leaf] = split_leaf(dataset_path);
    Handle parent(static_cast<hid_t>(ensure_group(parent_path)));
    const hsize_t n = values.size();
    Handle space(check(H5Screate_simple(1, &n, nullptr), "H5Screate_simple"));
    Handle dcpl = untimed_plist(H5P_DATASET_CREATE);
    if (n * sizeof(double) >= kCompressAboveBytes) {
      const hsize_t chunk = std::min<hsize_t>(kChunkTargetBytes / sizeof(double), n);
      check_status(H5Pset_chunk(dcpl.get(), 1, &chunk), "H5Pset_chunk");
      check_status(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle");
      check_status(H5Pset_deflate(dcpl.get(), kDeflateLevel), "H5Pset_deflate");
    }
    Handle ds(
        check(H5Dcreate2(parent.get(), leaf.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
              "create dataset " + std::string(dataset_path)));
    if (n > 0) {
      check_status(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                   "write dataset " + std::string(dataset_path));
    }
    write_attr(ds.get(), "units", std::vector<std::string>{std::string(unit)});
  } catch (const WriteError& e) {
    throw WriteError(e.what() + outcome());
  }
}

std::string Writer::outcome() const {
  std::error_code ec;
  return std::filesystem::exists(final_path_, ec) ? "; " + final_path_.string() + " is unchanged"
                                                  : "; nothing was written";
}

void Writer::commit() {
  if (file_ < 0) throw std::logic_error("h5::Writer::commit() called twice");
  const hid_t file = static_cast<hid_t>(file_);
  file_ = -1;
  // H5Fclose must run even when the flush failed: an id left open makes HDF5's own teardown at
  // exit write to the broken file again (and crash).
  errno = 0;
  const bool flushed = H5Fflush(file, H5F_SCOPE_GLOBAL) >= 0;
  int e = errno;
  const bool closed = H5Fclose(file) >= 0;
  if (e == 0) e = errno;
  if (!flushed || !closed) {
    std::error_code ec;
    std::filesystem::remove(temp_path_, ec);
    const std::string why = e != 0 ? std::strerror(e) : "HDF5 could not flush or close it";
    throw WriteError("cannot finish writing " + temp_path_.string() + ": " + why + outcome());
  }
  // The final path may have changed kind while we worked (a directory made there): rename(2)
  // would then fail or, for a symlink, replace the link; check again just before.
  try {
    check_output_path(final_path_);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(temp_path_, ec);
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(temp_path_, final_path_, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temp_path_, ignored);
    throw WriteError("cannot rename " + temp_path_.string() + " to " + final_path_.string() + ": " + ec.message() +
                     outcome());
  }
  committed_ = true;
  unregister_interrupt_cleanup(interrupt_slot_);
  interrupt_slot_ = -1;
}

}  // namespace moelab::h5
