#pragma once
// Test-side readers built on the HDF5 C API only, independent of lab/h5/writer.cpp.
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace moelab::test {

class H5File {
 public:
  explicit H5File(const std::filesystem::path& p) : id_(H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {
    if (id_ < 0) throw std::runtime_error("cannot open " + p.string());
  }
  ~H5File() { H5Fclose(id_); }
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;
  hid_t id() const { return id_; }

  bool exists(const std::string& path) const {
    std::string cur;
    std::size_t pos = 1;
    while (pos <= path.size()) {
      auto next = path.find('/', pos);
      if (next == std::string::npos) next = path.size();
      cur = path.substr(0, next);
      if (H5Lexists(id_, cur.c_str(), H5P_DEFAULT) <= 0) return false;
      pos = next + 1;
    }
    return true;
  }

  // A scalar or 1-element variable-length string attribute.
  std::string string_attr(const std::string& obj, const std::string& name) const {
    hid_t attr = H5Aopen_by_name(id_, obj.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0) throw std::runtime_error("no attribute " + obj + "@" + name);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    char* value = nullptr;
    H5Aread(attr, type, &value);
    std::string out = value ? value : "";
    H5free_memory(value);
    H5Tclose(type);
    H5Aclose(attr);
    return out;
  }

  std::vector<std::string> string_array_attr(const std::string& obj, const std::string& name) const {
    hid_t attr = H5Aopen_by_name(id_, obj.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0) throw std::runtime_error("no attribute " + obj + "@" + name);
    hid_t space = H5Aget_space(attr);
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    std::vector<char*> ptrs(n, nullptr);
    H5Aread(attr, type, ptrs.data());
    std::vector<std::string> out;
    for (char* p : ptrs) {
      out.emplace_back(p ? p : "");
      H5free_memory(p);
    }
    H5Tclose(type);
    H5Sclose(space);
    H5Aclose(attr);
    return out;
  }

  template <class T>
  T numeric_attr(const std::string& obj, const std::string& name, hid_t mem_type) const {
    hid_t attr = H5Aopen_by_name(id_, obj.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0) throw std::runtime_error("no attribute " + obj + "@" + name);
    T v{};
    H5Aread(attr, mem_type, &v);
    H5Aclose(attr);
    return v;
  }

  // One field of a compound dataset, converted by HDF5 to `mem_type` (a native numeric type).
  template <class T>
  std::vector<T> field(const std::string& dataset, const std::string& name, hid_t mem_type) const {
    hid_t ds = H5Dopen2(id_, dataset.c_str(), H5P_DEFAULT);
    if (ds < 0) throw std::runtime_error("no dataset " + dataset);
    hid_t space = H5Dget_space(ds);
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(T));
    H5Tinsert(t, name.c_str(), 0, mem_type);
    std::vector<T> out(n);
    if (n > 0 && H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) {
      throw std::runtime_error("cannot read field " + name);
    }
    H5Tclose(t);
    H5Sclose(space);
    H5Dclose(ds);
    return out;
  }

  std::vector<std::string> string_field(const std::string& dataset, const std::string& name) const {
    hid_t ds = H5Dopen2(id_, dataset.c_str(), H5P_DEFAULT);
    hid_t ftype = H5Dget_type(ds);
    const int idx = H5Tget_member_index(ftype, name.c_str());
    hid_t member = H5Tget_member_type(ftype, static_cast<unsigned>(idx));
    const std::size_t width = H5Tget_size(member);
    hid_t space = H5Dget_space(ds);
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    hid_t t = H5Tcreate(H5T_COMPOUND, width);
    H5Tinsert(t, name.c_str(), 0, member);
    std::vector<char> buf(n * width);
    if (n > 0) H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) {
      std::string s(buf.data() + i * width, width);
      s.resize(s.find('\0') == std::string::npos ? s.size() : s.find('\0'));
      out.push_back(s);
    }
    H5Tclose(t);
    H5Sclose(space);
    H5Tclose(member);
    H5Tclose(ftype);
    H5Dclose(ds);
    return out;
  }

  std::vector<std::string> field_names(const std::string& dataset) const {
    hid_t ds = H5Dopen2(id_, dataset.c_str(), H5P_DEFAULT);
    hid_t ftype = H5Dget_type(ds);
    std::vector<std::string> out;
    const int n = H5Tget_nmembers(ftype);
    for (int i = 0; i < n; ++i) {
      char* nm = H5Tget_member_name(ftype, static_cast<unsigned>(i));
      out.emplace_back(nm);
      H5free_memory(nm);
    }
    H5Tclose(ftype);
    H5Dclose(ds);
    return out;
  }

  // The dataset's elements as stored in the file's own type, byte for byte.
  std::vector<unsigned char> raw_bytes(const std::string& dataset) const {
    hid_t ds = H5Dopen2(id_, dataset.c_str(), H5P_DEFAULT);
    hid_t ftype = H5Dget_type(ds);
    hid_t space = H5Dget_space(ds);
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    std::vector<unsigned char> buf(n * H5Tget_size(ftype));
    if (n > 0) H5Dread(ds, ftype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
    H5Sclose(space);
    H5Tclose(ftype);
    H5Dclose(ds);
    return buf;
  }

 private:
  hid_t id_;
};

}  // namespace moelab::test
