#include <boost/test/unit_test.hpp>

#include <cmath>

#include "lab/ab/gpu_telemetry.hpp"

using namespace moelab::ab;

BOOST_AUTO_TEST_SUITE(gpu_telemetry_reader)

BOOST_AUTO_TEST_CASE(reads_every_field_through_nvml) {
  GpuTelemetry t(MOELAB_FAKE_NVML);
  BOOST_REQUIRE_MESSAGE(t.available(), t.why_not());
  BOOST_TEST(t.driver_version() == "580.159.04");
  const auto r = t.read();
  BOOST_TEST(r.sm_clock_hz == 1755e6);
  BOOST_TEST(r.memory_clock_hz == 3201e6);
  BOOST_TEST(r.temperature_c == 61.0);
  BOOST_TEST(std::fabs(r.power_w - 512.345) < 1e-9);
  BOOST_TEST(r.clock_event_reasons == 0x24);
  BOOST_TEST(clock_event_reasons_text(r.clock_event_reasons) == "sw power cap, sw thermal slowdown");
}

BOOST_AUTO_TEST_CASE(binds_to_the_cuda_device_by_pci_bus_id) {
  GpuTelemetry t(MOELAB_FAKE_NVML);
  BOOST_TEST(t.select_device("0000:18:00.0"));
  BOOST_TEST(t.available());
  BOOST_TEST(!t.select_device("0000:99:00.0"));
  BOOST_TEST(!t.available());
  BOOST_TEST(t.why_not().find("0000:99:00.0") != std::string::npos);
  BOOST_TEST(std::isnan(t.read().sm_clock_hz));  // no device: nothing read
}

BOOST_AUTO_TEST_CASE(a_missing_library_is_reported_not_fatal) {
  GpuTelemetry t("/nonexistent/libnvidia-ml.so.1");
  BOOST_TEST(!t.available());
  BOOST_TEST(t.why_not().find("NVML not loaded") != std::string::npos);
  const auto r = t.read();
  BOOST_TEST(std::isnan(r.sm_clock_hz));
  BOOST_TEST(std::isnan(r.power_w));
  BOOST_TEST(r.clock_event_reasons == -1);
  BOOST_TEST(t.driver_version().empty());
  BOOST_TEST(clock_event_reasons_text(-1).empty());
  BOOST_TEST(clock_event_reasons_text(0) == "none");
}

BOOST_AUTO_TEST_SUITE_END()
