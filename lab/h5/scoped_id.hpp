#pragma once
// An HDF5 id closed with its own close function (H5Fclose, H5Dclose, H5Tclose, ...) when it
// leaves scope: for the lab's readers of HDF5 files, where every early return or throw must
// still release what was opened.
#include <hdf5.h>

namespace moelab::h5 {

class ScopedId {
 public:
  ScopedId(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~ScopedId() {
    if (id_ >= 0) close_(id_);
  }
  ScopedId(const ScopedId&) = delete;
  ScopedId& operator=(const ScopedId&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

}  // namespace moelab::h5
