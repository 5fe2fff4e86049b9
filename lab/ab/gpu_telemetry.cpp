#include "lab/ab/gpu_telemetry.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <utility>
#include <vector>

namespace moelab::ab {
namespace {

// The few NVML entry points used, by their C signatures (nvml.h is not needed to build).
using Ret = int;  // nvmlReturn_t; NVML_SUCCESS = 0
using Device = void*;
constexpr unsigned kClockSm = 1, kClockMem = 2;  // nvmlClockType_t
constexpr unsigned kTemperatureGpu = 0;          // nvmlTemperatureSensors_t

template <class F>
F symbol(void* handle, const char* name) {
  return reinterpret_cast<F>(dlsym(handle, name));
}

}  // namespace

struct GpuTelemetry::Api {
  Ret (*init)() = nullptr;
  Ret (*shutdown)() = nullptr;
  const char* (*error_string)(Ret) = nullptr;
  Ret (*by_index)(unsigned, Device*) = nullptr;
  Ret (*by_pci)(const char*, Device*) = nullptr;
  Ret (*clock)(Device, unsigned, unsigned*) = nullptr;
  Ret (*temperature)(Device, unsigned, unsigned*) = nullptr;
  Ret (*power)(Device, unsigned*) = nullptr;
  Ret (*reasons)(Device, unsigned long long*) = nullptr;
  Ret (*driver)(char*, unsigned) = nullptr;
};

GpuTelemetry::GpuTelemetry(const std::string& library) {
  std::string path = library;
  if (path.empty()) {
    const char* env = std::getenv("MOELAB_NVML_LIBRARY");
    path = env != nullptr && *env != '\0' ? env : "libnvidia-ml.so.1";
  }
  handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) {
    const char* e = dlerror();
    why_not_ = "NVML not loaded: " + std::string(e != nullptr ? e : path + ": dlopen failed");
    return;
  }
  api_ = new Api;
  api_->init = symbol<Ret (*)()>(handle_, "nvmlInit_v2");
  api_->shutdown = symbol<Ret (*)()>(handle_, "nvmlShutdown");
  api_->error_string = symbol<const char* (*)(Ret)>(handle_, "nvmlErrorString");
  api_->by_index = symbol<Ret (*)(unsigned, Device*)>(handle_, "nvmlDeviceGetHandleByIndex_v2");
  api_->by_pci = symbol<Ret (*)(const char*, Device*)>(handle_, "nvmlDeviceGetHandleByPciBusId_v2");
  api_->clock = symbol<Ret (*)(Device, unsigned, unsigned*)>(handle_, "nvmlDeviceGetClockInfo");
  api_->temperature = symbol<Ret (*)(Device, unsigned, unsigned*)>(handle_, "nvmlDeviceGetTemperature");
  api_->power = symbol<Ret (*)(Device, unsigned*)>(handle_, "nvmlDeviceGetPowerUsage");
  api_->reasons = symbol<Ret (*)(Device, unsigned long long*)>(handle_, "nvmlDeviceGetCurrentClocksEventReasons");
  if (api_->reasons == nullptr) {  // the name before NVML 12.2
    api_->reasons = symbol<Ret (*)(Device, unsigned long long*)>(handle_, "nvmlDeviceGetCurrentClocksThrottleReasons");
  }
  api_->driver = symbol<Ret (*)(char*, unsigned)>(handle_, "nvmlSystemGetDriverVersion");
  if (api_->init == nullptr || api_->by_index == nullptr || api_->clock == nullptr) {
    why_not_ = "NVML library " + path + " lacks nvmlInit_v2 / nvmlDeviceGetHandleByIndex_v2 / nvmlDeviceGetClockInfo";
    return;
  }
  if (const Ret r = api_->init(); r != 0) {
    why_not_ = "nvmlInit_v2 failed: " + std::string(api_->error_string ? api_->error_string(r) : std::to_string(r));
    return;
  }
  initialized_ = true;
  select_device("");
}

GpuTelemetry::~GpuTelemetry() {
  if (initialized_ && api_->shutdown != nullptr) api_->shutdown();
  delete api_;
  // The library stays mapped: NVML may keep threads running until process exit.
}

bool GpuTelemetry::select_device(const std::string& pci_bus_id) {
  if (!initialized_) return false;
  Device d = nullptr;
  Ret r = 0;
  if (!pci_bus_id.empty() && api_->by_pci != nullptr) {
    r = api_->by_pci(pci_bus_id.c_str(), &d);
  } else {
    r = api_->by_index(0, &d);
  }
  if (r != 0 || d == nullptr) {
    device_ = nullptr;
    why_not_ = "NVML has no device " + (pci_bus_id.empty() ? std::string("0") : pci_bus_id) + ": " +
               (api_->error_string ? api_->error_string(r) : std::to_string(r));
    return false;
  }
  device_ = d;
  why_not_.clear();
  return true;
}

std::string GpuTelemetry::driver_version() const {
  if (!available() || api_->driver == nullptr) return "";
  char buf[96] = {};
  return api_->driver(buf, sizeof(buf)) == 0 ? std::string(buf) : std::string();
}

TelemetryReading GpuTelemetry::read() const {
  TelemetryReading t;
  if (!available()) return t;
  unsigned v = 0;
  if (api_->clock(device_, kClockSm, &v) == 0) t.sm_clock_hz = v * 1e6;
  if (api_->clock(device_, kClockMem, &v) == 0) t.memory_clock_hz = v * 1e6;
  if (api_->temperature != nullptr && api_->temperature(device_, kTemperatureGpu, &v) == 0) t.temperature_c = v;
  if (api_->power != nullptr && api_->power(device_, &v) == 0) t.power_w = v * 1e-3;
  unsigned long long reasons = 0;
  if (api_->reasons != nullptr && api_->reasons(device_, &reasons) == 0)
    t.clock_event_reasons = static_cast<std::int64_t>(reasons);
  return t;
}

GpuTelemetry& gpu_telemetry() {
  static GpuTelemetry telemetry;
  return telemetry;
}

std::string clock_event_reasons_text(std::int64_t reasons) {
  if (reasons < 0) return "";
  if (reasons == 0) return "none";
  // nvml.h's nvmlClocksEventReason* bits.
  static const std::vector<std::pair<std::int64_t, const char*>> names = {{0x1, "gpu idle"},
                                                                          {0x2, "applications clocks setting"},
                                                                          {0x4, "sw power cap"},
                                                                          {0x8, "hw slowdown"},
                                                                          {0x10, "sync boost"},
                                                                          {0x20, "sw thermal slowdown"},
                                                                          {0x40, "hw thermal slowdown"},
                                                                          {0x80, "hw power brake slowdown"},
                                                                          {0x100, "display clock setting"}};
  std::string out;
  std::int64_t known = 0;
  for (const auto& [bit, name] : names) {
    known |= bit;
    if (reasons & bit) out += (out.empty() ? "" : ", ") + std::string(name);
  }
  if (reasons & ~known) out += (out.empty() ? "" : ", ") + std::string("other");
  return out;
}

}  // namespace moelab::ab
