#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <cmath>
#include <fstream>
#include <iterator>

#include "lab/h5/writer.hpp"
#include "tests/lab/h5_read.hpp"

namespace fs = std::filesystem;
using moelab::h5::Table;
using moelab::h5::Writer;
using moelab::test::H5File;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("moelab_test_h5_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  return out;
}

Table sample_table(std::size_t rows) {
  std::vector<std::int64_t> ids;
  std::vector<double> t;
  std::vector<std::int32_t> n;
  std::vector<std::string> label;
  for (std::size_t i = 0; i < rows; ++i) {
    ids.push_back(static_cast<std::int64_t>(i) * 1000000007LL);
    t.push_back(0.5 * static_cast<double>(i) + 1e-9);
    n.push_back(static_cast<std::int32_t>(i % 97) - 3);
    label.push_back(i % 3 == 0 ? "rate=1" : (i % 3 == 1 ? "rate=16,ünïcode" : ""));
  }
  Table table;
  table.add("id", "", ids).add("arrival_s", "s", t).add("tokens", "tokens", n).add("label", "", label);
  return table;
}

std::vector<unsigned char> file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(h5_writer)

BOOST_AUTO_TEST_CASE(table_and_attributes_round_trip) {
  TempDir dir;
  const fs::path file = dir.path / "sub" / "out.h5";
  {
    Writer w(file);
    w.write_provenance({"simulation", "[experiment]\nname = \"x\"\n", "exp.toml", "moelab run 'a b.toml'"});
    w.write_table("/runs/0000/requests", sample_table(10));
    w.set_attr("/runs/0000", "wall_s", 1.25);
    w.set_attr("/runs/0000", "events", std::int64_t{42});
    w.set_attr("/runs/0000", "label", std::string("rate=4"));
    w.set_attr("/runs/0000", "label", std::string("rate=8"));  // replaced, not duplicated
    w.set_attr("/runs/0000/requests", "note", std::vector<std::string>{"a", "ü"});
    w.set_attr("/", "xs", std::vector<double>{1.0, 2.5});
    w.write_array("/ab/attention/case0/samples_ref.naive", {1e-3, 2e-3, 3e-3}, "s");
    BOOST_TEST(!fs::exists(file));  // nothing at the final name until commit
    w.commit();
  }
  BOOST_REQUIRE(fs::exists(file));
  BOOST_TEST(entries(file.parent_path()).size() == 1u);  // the temporary is gone

  H5File f(file);
  BOOST_TEST(f.string_attr("/", "schema") == "moelab-results");
  BOOST_TEST(f.numeric_attr<std::int64_t>("/", "schema_version", H5T_NATIVE_INT64) == 1);
  BOOST_TEST(f.string_attr("/", "kind") == "simulation");
  BOOST_TEST(f.string_attr("/", "config_path") == "exp.toml");
  BOOST_TEST(f.string_attr("/", "command_line") == "moelab run 'a b.toml'");
  BOOST_TEST(f.string_attr("/", "created_utc").size() == 20u);
  BOOST_TEST(!f.string_attr("/", "host").empty());
  BOOST_TEST(f.numeric_attr<double>("/runs/0000", "wall_s", H5T_NATIVE_DOUBLE) == 1.25);
  BOOST_TEST(f.numeric_attr<std::int64_t>("/runs/0000", "events", H5T_NATIVE_INT64) == 42);
  BOOST_TEST(f.string_attr("/runs/0000", "label") == "rate=8");
  BOOST_TEST(f.string_array_attr("/runs/0000/requests", "note") == (std::vector<std::string>{"a", "ü"}));

  const std::string ds = "/runs/0000/requests";
  BOOST_TEST(f.field_names(ds) == (std::vector<std::string>{"id", "arrival_s", "tokens", "label"}));
  BOOST_TEST(f.string_array_attr(ds, "units") == (std::vector<std::string>{"", "s", "tokens", ""}));
  const auto ids = f.field<std::int64_t>(ds, "id", H5T_NATIVE_INT64);
  const auto t = f.field<double>(ds, "arrival_s", H5T_NATIVE_DOUBLE);
  const auto n = f.field<std::int32_t>(ds, "tokens", H5T_NATIVE_INT32);
  const auto labels = f.string_field(ds, "label");
  BOOST_REQUIRE(ids.size() == 10u);
  BOOST_TEST(ids[9] == 9 * 1000000007LL);
  BOOST_TEST(t[3] == 1.5 + 1e-9);
  BOOST_TEST(n[0] == -3);
  BOOST_TEST(labels[0] == "rate=1");
  BOOST_TEST(labels[1] == "rate=16,ünïcode");  // the longest value fits whole
  BOOST_TEST(labels[2] == "");
  const auto samples = f.raw_bytes("/ab/attention/case0/samples_ref.naive");
  BOOST_TEST(samples.size() == 3 * sizeof(double));
  BOOST_TEST(f.string_array_attr("/ab/attention/case0/samples_ref.naive", "units") == (std::vector<std::string>{"s"}));
}

BOOST_AUTO_TEST_CASE(descriptions_are_stored_when_a_column_has_one) {
  TempDir dir;
  const fs::path file = dir.path / "described.h5";
  {
    Writer w(file);
    Table described;
    described.add("id", "", "request id", std::vector<std::int64_t>{1, 2})
        .add("t_s", "s", std::vector<double>{0.5, 1.5});  // no description: stored as ""
    w.write_table("/described", described);
    w.write_table("/plain", sample_table(2));
    w.commit();
  }
  H5File f(file);
  BOOST_TEST(f.string_array_attr("/described", "descriptions") == (std::vector<std::string>{"request id", ""}));
  BOOST_TEST(f.string_array_attr("/described", "units") == (std::vector<std::string>{"", "s"}));
  BOOST_CHECK_THROW(f.string_array_attr("/plain", "descriptions"), std::runtime_error);  // none at all: no attribute
}

BOOST_AUTO_TEST_CASE(file_types_are_little_endian_and_strings_utf8) {
  TempDir dir;
  const fs::path file = dir.path / "t.h5";
  {
    Writer w(file);
    w.write_table("/t", sample_table(4));
    w.commit();
  }
  H5File f(file);
  hid_t ds = H5Dopen2(f.id(), "/t", H5P_DEFAULT);
  hid_t type = H5Dget_type(ds);
  hid_t id_t = H5Tget_member_type(type, 0);
  hid_t s_t = H5Tget_member_type(type, 3);
  BOOST_TEST(H5Tequal(id_t, H5T_STD_I64LE) > 0);
  BOOST_TEST(H5Tget_cset(s_t) == H5T_CSET_UTF8);
  BOOST_TEST(H5Tis_variable_str(s_t) == 0);
  BOOST_TEST(H5Tget_size(s_t) == std::string("rate=16,ünïcode").size());
  H5Tclose(s_t);
  H5Tclose(id_t);
  H5Tclose(type);
  H5Dclose(ds);
}

BOOST_AUTO_TEST_CASE(empty_table_is_written) {
  TempDir dir;
  const fs::path file = dir.path / "e.h5";
  {
    Writer w(file);
    Table t;
    t.add("x_s", "s", std::vector<double>{}).add("name", "", std::vector<std::string>{});
    w.write_table("/runs/0000/timeseries", t);
    w.commit();
  }
  H5File f(file);
  BOOST_TEST(f.field<double>("/runs/0000/timeseries", "x_s", H5T_NATIVE_DOUBLE).empty());
  BOOST_TEST(f.field_names("/runs/0000/timeseries").size() == 2u);
}

BOOST_AUTO_TEST_CASE(writer_without_commit_leaves_nothing) {
  TempDir dir;
  const fs::path file = dir.path / "never.h5";
  {
    Writer w(file);
    w.write_table("/summary", sample_table(100));
    BOOST_TEST(entries(dir.path).size() == 1u);  // the temporary exists while writing
  }
  BOOST_TEST(entries(dir.path).empty());
  try {
    Writer w(file);
    w.write_table("/summary", sample_table(5));
    throw std::runtime_error("simulated failure mid-write");
  } catch (const std::runtime_error&) {}
  BOOST_TEST(entries(dir.path).empty());
}

BOOST_AUTO_TEST_CASE(commit_replaces_an_existing_file_whole) {
  TempDir dir;
  const fs::path file = dir.path / "r.h5";
  for (std::size_t rows : {3u, 7u}) {
    Writer w(file);
    w.write_table("/summary", sample_table(rows));
    w.commit();
  }
  H5File f(file);
  BOOST_TEST(f.field<std::int64_t>("/summary", "id", H5T_NATIVE_INT64).size() == 7u);
}

BOOST_AUTO_TEST_CASE(same_data_gives_same_bytes) {
  TempDir dir;
  // Large enough to be chunked and compressed.
  const fs::path a = dir.path / "a.h5";
  const fs::path b = dir.path / "b.h5";
  for (const auto& p : {a, b}) {
    Writer w(p);
    w.write_table("/runs/0000/requests", sample_table(50000));
    w.set_attr("/runs/0000", "seed", std::int64_t{7});
    w.commit();
  }
  H5File fa(a), fb(b);
  const auto bytes_a = fa.raw_bytes("/runs/0000/requests");
  BOOST_TEST(bytes_a.size() > 50000u * 20u);
  BOOST_TEST(bytes_a == fb.raw_bytes("/runs/0000/requests"));
  // Without the time-stamped root attributes, the whole files are identical too.
  BOOST_TEST(file_bytes(a) == file_bytes(b));
  // And compression did its job on this repetitive data.
  BOOST_TEST(fs::file_size(a) < bytes_a.size());
}

BOOST_AUTO_TEST_SUITE_END()
