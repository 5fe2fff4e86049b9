// `moelab` loads the CUDA runtime and cuBLAS only with a cuda variant. The dynamic loader itself
// says what a run loaded: LD_DEBUG=files writes every library it maps (needed or dlopen'ed) to
// LD_DEBUG_OUTPUT.<pid>. A run that names a cuda variant must show the library (so this check
// can see a load at all); a missing library makes the variant "skipped" with dlopen's words.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/lab/cli/cli_fixture.hpp"

using moelab::test::CliResult;
using moelab::test::Scratch;
using moelab::test::shell_quote;

namespace {

constexpr bool kHaveCuda = MOELAB_TEST_HAVE_CUDA != 0;

bool contains(const std::string& h, const std::string& n) { return h.find(n) != std::string::npos; }

struct TracedRun {
  CliResult result;
  std::string loader_log;  // every LD_DEBUG output file of the run, concatenated
};

// `ENV... EXE ARGS...` in the scratch directory, with the dynamic loader's file trace.
TracedRun traced(const Scratch& s, const std::string& exe, const std::vector<std::string>& args,
                 const std::string& env = "") {
  const auto prefix = s.dir() / "ld";
  std::string cmd = "cd " + shell_quote(s.dir().string()) + " && " + env +
                    " LD_DEBUG=files LD_DEBUG_OUTPUT=" + shell_quote(prefix.string()) + " " + shell_quote(exe);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  TracedRun r;
  r.result = s.shell(cmd);
  for (const auto& e : std::filesystem::directory_iterator(s.dir())) {
    if (e.path().filename().string().rfind("ld.", 0) != 0) continue;
    r.loader_log += moelab::test::read_text(e.path());
    std::filesystem::remove(e.path());
  }
  return r;
}

// The line of `variant` in `moelab ab`'s table.
std::string row_of(const std::string& out, const std::string& variant) {
  const auto at = out.find("  " + variant + " ");
  if (at == std::string::npos) return "";
  return out.substr(at, out.find('\n', at) - at);
}

const std::vector<std::string> kTopk = {
    "ab",   "router.topk",   "--shape", "mixtral-8x7b", "--dim", "tokens=64", "--max-time-s",
    "0.05", "--min-samples", "2",       "--warmup",     "0",     "--hot"};

std::vector<std::string> topk_with(const std::string& variants) {
  auto args = kTopk;
  args.insert(args.begin() + 2, {"--variants", variants});
  return args;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cuda_backend)

BOOST_AUTO_TEST_CASE(commands_without_a_cuda_variant_load_no_cuda_library) {
  Scratch s("nocuda");
  const std::string quickstart = (moelab::test::source_dir() / "experiments/quickstart.toml").string();
  const std::vector<std::vector<std::string>> commands = {
      {"--version"},
      {"list", "--help"},
      {"list", "models"},
      {"list", "engines"},
      {"validate", quickstart},
      {"run", quickstart, "-o", "q.h5", "--set", "workload.num_requests=200"},
      topk_with("ref.naive"),
  };
  for (const auto& args : commands) {
    const auto r = traced(s, MOELAB_EXE, args);
    BOOST_TEST_CONTEXT("moelab " << args.front() << (args.size() > 1 ? " " + args[1] : "")) {
      BOOST_TEST(r.result.status == 0, r.result.err);
      // The trace works at all: the C library is always there.
      BOOST_TEST(contains(r.loader_log, "libc.so"));
      for (const char* lib : {"libcudart", "libcublas", "libcuda.so", "libmoelab_kernels_cuda"}) {
        BOOST_TEST(!contains(r.loader_log, lib), lib << " loaded");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_cuda_variant_opens_the_backend_and_is_skipped_here_with_a_reason) {
  Scratch s("cuda");
  const auto r = traced(s, MOELAB_EXE, topk_with("ref.naive,cuda.warp_topk"));
  BOOST_TEST(r.result.status == 0, r.result.err);
  BOOST_TEST(contains(row_of(r.result.out, "ref.naive"), " ok "), r.result.out);
  const std::string cuda = row_of(r.result.out, "cuda.warp_topk");
  BOOST_TEST_MESSAGE("cuda row: " << cuda);
  if (!kHaveCuda) {
    BOOST_TEST(contains(cuda, "skipped     not built: "), r.result.out);
    return;
  }
  // This is the library (and, through it, the CUDA runtime) the other commands must not load.
  BOOST_TEST(contains(r.loader_log, "libmoelab_kernels_cuda.so"));
  BOOST_TEST(contains(r.loader_log, "libcudart"));
  // Without a GPU (CI) the variant is skipped; with one it runs and must pass its check.
  BOOST_TEST((contains(cuda, " skipped ") || contains(cuda, " ok ")), r.result.out);
  if (contains(cuda, " skipped ")) {
    const std::string reason = cuda.substr(cuda.find(" skipped ") + 9);
    BOOST_TEST(reason.find_first_not_of(' ') != std::string::npos, "no reason: " << cuda);
  }
}

BOOST_AUTO_TEST_CASE(a_backend_library_that_cannot_load_makes_cuda_variants_skipped_with_dlopens_words) {
  if (!kHaveCuda) return;
  Scratch s("missing");
  const std::string missing = (s.dir() / "nowhere" / "libmoelab_kernels_cuda.so").string();
  const auto garbage = s.write("not_a_library.so", "not an ELF file\n");
  for (const auto& [path, words] : {std::pair<std::string, std::string>{missing, "cannot open shared object file"},
                                    std::pair<std::string, std::string>{garbage.string(), "not_a_library.so"}}) {
    const std::string env = "MOELAB_CUDA_BACKEND=" + shell_quote(path);
    const auto r = traced(s, MOELAB_EXE, topk_with("ref.naive,cuda.warp_topk"), env);
    BOOST_TEST(r.result.status == 0, r.result.err);
    BOOST_TEST(contains(row_of(r.result.out, "ref.naive"), " ok "), r.result.out);
    const std::string cuda = row_of(r.result.out, "cuda.warp_topk");
    BOOST_TEST(contains(cuda, " skipped "), r.result.out);
    BOOST_TEST(contains(cuda, "CUDA backend not loaded: " + path), cuda);
    BOOST_TEST(contains(cuda, words), cuda);
    BOOST_TEST(!contains(r.loader_log, "libcudart"));
    // Any name of the backend is accepted then: the library that would know the names is absent.
    BOOST_TEST(traced(s, MOELAB_EXE, topk_with("ref.naive,cuda.no_such_kernel"), env).result.status == 0);
    const auto list = traced(s, MOELAB_EXE, {"list", "variants"}, env);
    BOOST_TEST(list.result.status == 0);
    BOOST_TEST(contains(list.result.out, "cuda variants not listed: CUDA backend not loaded: " + path),
               list.result.out);
  }
}

BOOST_AUTO_TEST_CASE(list_variants_names_the_cuda_variants_of_this_build) {
  Scratch s("list");
  const auto r = traced(s, MOELAB_EXE, {"list", "variants"});
  BOOST_TEST(r.result.status == 0, r.result.err);
  // Variant rows start with two spaces and the name (descriptions may mention other variants).
  BOOST_TEST(contains(r.result.out, "\n  ref.naive "));
  BOOST_TEST(contains(r.result.out, "\n  cuda.warp_topk ") == kHaveCuda, r.result.out);
  BOOST_TEST(contains(r.result.out, "\n  cuda.flash_mma ") == kHaveCuda);
  BOOST_TEST(contains(r.loader_log, "libmoelab_kernels_cuda.so") == kHaveCuda);
  BOOST_TEST(!contains(r.result.out, "not listed"));
}

// An install (and the build tree) keep the library at <bin>/../lib/moelab/: a copy of moelab in
// another tree must open that tree's library, not the build tree's.
BOOST_AUTO_TEST_CASE(the_library_is_found_beside_the_executable) {
  if (!kHaveCuda) return;
  Scratch s("layout");
  namespace fs = std::filesystem;
  fs::create_directories(s.dir() / "bin");
  fs::create_directories(s.dir() / "lib" / "moelab");
  fs::copy_file(MOELAB_EXE, s.dir() / "bin" / "moelab");
  const auto library = s.dir() / "lib" / "moelab" / "libmoelab_kernels_cuda.so";
  fs::copy_file(MOELAB_TEST_CUDA_BACKEND, library);
  const auto r = traced(s, (s.dir() / "bin" / "moelab").string(), topk_with("ref.naive,cuda.warp_topk"));
  BOOST_TEST(r.result.status == 0, r.result.err);
  BOOST_TEST(contains(r.loader_log, "file=" + library.string()), r.loader_log.substr(0, 2000));
  BOOST_TEST(!contains(r.loader_log, "file=" MOELAB_TEST_CUDA_BACKEND));
  BOOST_TEST(!contains(row_of(r.result.out, "cuda.warp_topk"), "not loaded"));
}

BOOST_AUTO_TEST_SUITE_END()
