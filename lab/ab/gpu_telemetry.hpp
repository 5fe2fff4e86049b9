#pragma once
// Per-sample GPU telemetry through NVML: the SM clock the driver reports, temperature, power and
// the clock-event (throttle) reasons. libnvidia-ml is opened with dlopen on first use, so nothing
// links it and machines without it (CPU-only, containers without the driver's NVML) run as
// before: every reading is NaN and the file's `nvml` attribute says why.
// Library: $MOELAB_NVML_LIBRARY if set (tests point it at a fake), else libnvidia-ml.so.1.
#include <cstdint>
#include <limits>
#include <string>

namespace moelab::ab {

struct TelemetryReading {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double sm_clock_hz = kNaN;              // nvmlDeviceGetClockInfo(NVML_CLOCK_SM), current
  double memory_clock_hz = kNaN;          // NVML_CLOCK_MEM
  double temperature_c = kNaN;            // nvmlDeviceGetTemperature(NVML_TEMPERATURE_GPU)
  double power_w = kNaN;                  // nvmlDeviceGetPowerUsage (mW -> W)
  std::int64_t clock_event_reasons = -1;  // nvmlDeviceGetCurrentClocksEventReasons bitmask; -1 unknown
};

class GpuTelemetry {
 public:
  // `library` = "" -> $MOELAB_NVML_LIBRARY, else "libnvidia-ml.so.1".
  explicit GpuTelemetry(const std::string& library = "");
  ~GpuTelemetry();
  GpuTelemetry(const GpuTelemetry&) = delete;
  GpuTelemetry& operator=(const GpuTelemetry&) = delete;

  bool available() const { return device_ != nullptr; }
  // "" when available; else why not (dlopen's words, the NVML call that failed).
  const std::string& why_not() const { return why_not_; }
  std::string driver_version() const;  // nvmlSystemGetDriverVersion, "" when unknown
  // Binds to the GPU with this PCI bus id ("0000:18:00.0", as the CUDA runtime reports it) so
  // NVML's device order cannot differ from CUDA's; "" = NVML device 0. False when not found.
  bool select_device(const std::string& pci_bus_id);
  TelemetryReading read() const;

 private:
  struct Api;
  void* handle_ = nullptr;
  Api* api_ = nullptr;
  void* device_ = nullptr;  // nvmlDevice_t
  bool initialized_ = false;
  std::string why_not_;
};

// One per process, opened on first use (first cuda sample).
GpuTelemetry& gpu_telemetry();

// "sw power cap, hw slowdown" from NVML's clock-event bitmask ("none" for 0, "" for -1).
std::string clock_event_reasons_text(std::int64_t reasons);

}  // namespace moelab::ab
