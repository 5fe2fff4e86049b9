/* A stand-in for libnvidia-ml.so.1 with fixed readings, so the telemetry reader (lab/ab/gpu_telemetry.cpp)
   is tested on machines without a GPU driver. Only the entry points the reader looks up. */
#include <string.h>

typedef int nvmlReturn_t;
typedef void* nvmlDevice_t;
static int device_token;

nvmlReturn_t nvmlInit_v2(void) { return 0; }
nvmlReturn_t nvmlShutdown(void) { return 0; }
const char* nvmlErrorString(nvmlReturn_t r) { return r == 0 ? "Success" : "Not Found"; }
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned index, nvmlDevice_t* d) {
  if (index != 0) return 6; /* NVML_ERROR_NOT_FOUND */
  *d = &device_token;
  return 0;
}
nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char* bus, nvmlDevice_t* d) {
  if (strcmp(bus, "0000:18:00.0") != 0) return 6;
  *d = &device_token;
  return 0;
}
nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t d, unsigned type, unsigned* mhz) {
  (void)d;
  *mhz = type == 1 ? 1755u : 3201u; /* SM, memory */
  return 0;
}
nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, unsigned sensor, unsigned* c) {
  (void)d, (void)sensor;
  *c = 61u;
  return 0;
}
nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned* mw) {
  (void)d;
  *mw = 512345u;
  return 0;
}
nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t d, unsigned long long* reasons) {
  (void)d;
  *reasons = 0x4ull | 0x20ull; /* sw power cap, sw thermal slowdown */
  return 0;
}
nvmlReturn_t nvmlSystemGetDriverVersion(char* buf, unsigned len) {
  strncpy(buf, "580.159.04", len);
  return 0;
}
