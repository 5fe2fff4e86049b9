#include <boost/test/unit_test.hpp>

#include "kernels/common/not_built_variant.hpp"

#include "lab/ab/harness.hpp"
#include "tests/lab/ab/fake_op.hpp"

using namespace moelab;
using namespace moelab::test;
using kernels::Backend;

namespace {
std::unique_ptr<kernels::PreparedRun> no_run(AxpyCase&) { return nullptr; }

kernels::Registry fake_registry() {
  kernels::Registry r;
  r.add_op(axpy_op_info());
  r.add_variant(std::make_unique<LambdaVariant>(Backend::ref, "naive", no_run));
  r.add_variant(std::make_unique<LambdaVariant>(Backend::kokkos, "tiled", no_run));
  r.add_variant(std::make_unique<LambdaVariant>(Backend::cuda, "tiled", no_run, false));
  return r;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(kernel_registry)

BOOST_AUTO_TEST_CASE(lookups_by_op_and_full_name) {
  const auto r = fake_registry();
  BOOST_TEST(r.find_op("fake.axpy") != nullptr);
  BOOST_TEST(r.find_op("fake.nothing") == nullptr);
  BOOST_TEST(r.find_variant("fake.axpy", "kokkos.tiled") != nullptr);
  BOOST_TEST((r.find_variant("fake.axpy", "cuda.tiled")->backend() == Backend::cuda));
  BOOST_TEST(r.find_variant("fake.axpy", "tiled") == nullptr);  // the backend is part of the name
  const auto all = r.variants("fake.axpy");
  BOOST_REQUIRE_EQUAL(all.size(), 3u);
  BOOST_TEST(all[0]->full_name() == "ref.naive");  // registration order
  BOOST_TEST(all[2]->full_name() == "cuda.tiled");
  BOOST_TEST(r.variants().size() == 3u);
  BOOST_TEST(r.ops().size() == 1u);
}

BOOST_AUTO_TEST_CASE(double_registration_is_a_programming_error) {
  auto r = fake_registry();
  BOOST_CHECK_THROW(r.add_op(axpy_op_info()), std::logic_error);
  BOOST_CHECK_THROW(r.add_variant(std::make_unique<LambdaVariant>(Backend::ref, "naive", no_run)), std::logic_error);
}

BOOST_AUTO_TEST_CASE(resolve_variants_reports_unknown_names_as_input_errors) {
  const auto r = fake_registry();
  const SourceLocation where{"--variants", 0, 0};
  const auto v = ab::resolve_variants(r, "fake.axpy", {"kokkos.tiled", "ref.naive"}, where);
  BOOST_REQUIRE_EQUAL(v.size(), 2u);
  BOOST_TEST(v[0]->full_name() == "kokkos.tiled");
  BOOST_CHECK_THROW(ab::resolve_variants(r, "fake.axpy", {"ref.fast"}, where), InputError);
  BOOST_CHECK_THROW(ab::resolve_variants(r, "fake.axpy", {"ref.naive", "ref.naive"}, where), InputError);
  BOOST_CHECK_THROW(ab::resolve_variants(r, "fake.nothing", {"ref.naive"}, where), InputError);
  BOOST_CHECK_THROW(ab::resolve_variants(r, "fake.axpy", {}, where), InputError);
  try {
    ab::resolve_variants(r, "fake.axpy", {"ref.fast"}, where);
  } catch (const InputError& e) {
    BOOST_TEST(std::string(e.what()).find("known: ref.naive, kokkos.tiled, cuda.tiled") != std::string::npos);
  }
}

// Each build checks its own side: a backend left out of this build accepts any variant name (the
// run reports it skipped, "not built: ..."); a built backend only accepts registered names.
BOOST_AUTO_TEST_CASE(names_of_backends_left_out_of_the_build_resolve_to_skipped_placeholders) {
  const auto r = fake_registry();
  const SourceLocation where{"x.toml", 7, 1};
  for (Backend b : {Backend::cuda, Backend::kokkos}) {
    const std::string name = std::string(kernels::to_string(b)) + ".not_registered";
    if (kernels::backend_built(b)) {
      BOOST_CHECK_THROW(ab::resolve_variants(r, "fake.axpy", {"ref.naive", name}, where), InputError);
      continue;
    }
    const auto v = ab::resolve_variants(r, "fake.axpy", {"ref.naive", name}, where);
    BOOST_REQUIRE_EQUAL(v.size(), 2u);
    BOOST_TEST(v[1]->full_name() == name);
    BOOST_TEST(!v[1]->available());
    BOOST_TEST(v[1]->unavailable_reason().rfind("not built: ", 0) == 0);
    // Interned: a name given twice is still caught as a duplicate.
    BOOST_CHECK_THROW(ab::resolve_variants(r, "fake.axpy", {name, name}, where), InputError);
    const auto only = ab::resolve_variants(r, "fake.axpy", {name}, where);
    BOOST_TEST(only[0] == v[1]);
    const auto outcome =
        ab::run_case(*r.find_op("fake.axpy"), kernels::ShapeArgs{"tiny", {}, "test"}, only, ab::AbOptions{}, 0);
    BOOST_TEST(ab::to_string(outcome.variants[0].status) == "skipped");
    BOOST_TEST(outcome.variants[0].detail.rfind("not built: ", 0) == 0);
  }
  BOOST_TEST(kernels::backend_built(Backend::ref));
  // Unknown backend words and built-backend typos stay errors, naming file, line and key.
  for (const char* bad : {"rocm.naive", "cuda", "ref.nope", "refnaive"}) {
    try {
      ab::resolve_variants(r, "fake.axpy", {bad}, where);
      BOOST_ERROR("accepted " << bad);
    } catch (const InputError& e) {
      const std::string what = e.what();
      BOOST_TEST(what.find("x.toml") != std::string::npos);
      BOOST_TEST(what.find("variants") != std::string::npos);
    }
  }
}

// A backend whose variants live in a library (cuda: libmoelab_kernels_cuda.so) is loaded by the
// first lookup that needs it, once; a failed load leaves names of it "skipped" with the reason.
// The harness treats a backend this build left out as "not built" first, so the test defers a
// backend that is built here (cuda in a CUDA build).
BOOST_AUTO_TEST_CASE(deferred_backends_load_on_first_use_and_report_failures) {
  const Backend b = kernels::backend_built(Backend::cuda)     ? Backend::cuda
                    : kernels::backend_built(Backend::kokkos) ? Backend::kokkos
                                                              : Backend::ref;
  const std::string prefix = std::string(kernels::to_string(b)) + ".";
  int loads = 0;
  kernels::Registry r;
  r.add_op(axpy_op_info());
  r.add_variant(std::make_unique<LambdaVariant>(Backend::ref, "naive", no_run));
  r.defer_backend(b, [&loads, b] {
    ++loads;
    std::vector<std::unique_ptr<kernels::Variant>> out;
    out.push_back(std::make_unique<LambdaVariant>(b, "tiled", no_run, false));
    return out;
  });
  BOOST_CHECK_THROW(r.defer_backend(b, [] { return std::vector<std::unique_ptr<kernels::Variant>>{}; }),
                    std::logic_error);
  // Ops and names of other backends never load it.
  BOOST_TEST(r.find_op("fake.axpy") != nullptr);
  BOOST_TEST(r.ops().size() == 1u);
  if (b != Backend::ref) BOOST_TEST(r.find_variant("fake.axpy", "ref.naive") != nullptr);
  BOOST_TEST(r.find_variant("fake.axpy", b == Backend::cuda ? "kokkos.tiled" : "cuda.tiled") == nullptr);
  BOOST_TEST(loads == (b == Backend::ref ? 1 : 0));
  // A name of the backend loads it, once; listing includes its variants after the others.
  BOOST_TEST(r.find_variant("fake.axpy", prefix + "tiled") != nullptr);
  BOOST_TEST(loads == 1);
  const auto all = r.variants("fake.axpy");
  BOOST_REQUIRE_EQUAL(all.size(), 2u);
  BOOST_TEST(all[1]->full_name() == prefix + "tiled");
  BOOST_TEST(r.find_variant("fake.axpy", prefix + "other") == nullptr);
  BOOST_TEST(loads == 1);
  BOOST_TEST(r.load_error(b).empty());
  const SourceLocation where{"x.toml", 3, 1};
  BOOST_CHECK_THROW(ab::resolve_variants(r, "fake.axpy", {prefix + "other"}, where),
                    InputError);  // loaded: names checked

  kernels::Registry broken;
  broken.add_op(axpy_op_info());
  broken.add_variant(std::make_unique<LambdaVariant>(Backend::ref, "naive", no_run));
  broken.defer_backend(b, []() -> std::vector<std::unique_ptr<kernels::Variant>> {
    throw kernels::BackendLoadError("libfake.so: cannot open shared object file");
  });
  BOOST_TEST(broken.load_error(b).empty());  // not needed yet
  BOOST_TEST(broken.variants("fake.axpy").size() == 1u);
  BOOST_TEST(broken.load_error(b) == "libfake.so: cannot open shared object file");
  const auto v = ab::resolve_variants(broken, "fake.axpy", {"ref.naive", prefix + "anything"}, where);
  BOOST_REQUIRE_EQUAL(v.size(), 2u);
  BOOST_TEST(v[1]->full_name() == prefix + "anything");
  BOOST_TEST(!v[1]->available());
  const auto outcome =
      ab::run_case(*broken.find_op("fake.axpy"), kernels::ShapeArgs{"tiny", {}, "test"}, {v[1]}, ab::AbOptions{}, 0);
  BOOST_TEST(ab::to_string(outcome.variants[0].status) == "skipped");
  BOOST_TEST(outcome.variants[0].detail == "libfake.so: cannot open shared object file");
  BOOST_CHECK_THROW(ab::resolve_variants(broken, "fake.axpy", {"rocm.naive"}, where), InputError);  // still no backend

  // Variants that do not fit the registry (another backend, an unknown op) are a failed load.
  kernels::Registry mismatched;
  mismatched.add_op(axpy_op_info());
  mismatched.defer_backend(Backend::kokkos, [] {
    std::vector<std::unique_ptr<kernels::Variant>> out;
    out.push_back(std::make_unique<LambdaVariant>(Backend::cuda, "tiled", no_run));
    return out;
  });
  BOOST_TEST(mismatched.find_variant("fake.axpy", "kokkos.tiled") == nullptr);
  BOOST_TEST(mismatched.load_error(Backend::kokkos).find("another backend") != std::string::npos);
  kernels::Registry other_op;  // no op registered: the library's variant has nowhere to go
  other_op.defer_backend(Backend::cuda, [] {
    std::vector<std::unique_ptr<kernels::Variant>> out;
    out.push_back(std::make_unique<LambdaVariant>(Backend::cuda, "tiled", no_run));
    return out;
  });
  BOOST_TEST(other_op.variants().empty());
  BOOST_TEST(other_op.load_error(Backend::cuda).find("an op this build lacks") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_global_registry_builds) {
  // Every family registers without throwing; each registered op can list its variants.
  const auto& reg = kernels::registry();
  for (const auto* op : reg.ops()) {
    BOOST_TEST(!op->name.empty());
    BOOST_TEST(static_cast<bool>(op->make_case));
    for (const auto* v : reg.variants(op->name)) BOOST_TEST(v->op() == op->name);
  }
#if MOELAB_HAVE_CUDA
  // The CUDA backend library opens even without a GPU (the runtime loads the driver lazily).
  BOOST_TEST(reg.load_error(Backend::cuda) == "");
  BOOST_TEST(reg.find_variant("attention.prefill", "cuda.flash_mma") != nullptr);
#endif
}

BOOST_AUTO_TEST_SUITE_END()
