// kind = "rag": [system prompt][doc 1]...[doc k][question]. Documents are drawn without
// replacement from a corpus with Zipf(s) popularity (document i has popularity rank i) and placed
// in draw order (or by rank with document_order = "popularity"). Ids are prefix-chained
// (content_ids.hpp), so a document's blocks are shared only with requests that have the same
// system prompt and the same documents before it in the same order, at the same offsets: reuse
// needs the same first document(s). Sharing that is not prefix-aligned is invisible to a prefix
// cache by construction.
// Keys: the shared generated-traffic keys (generated_traffic.hpp) and [workload.rag]
// system_prompt_tokens, corpus_documents, zipf_s, documents_per_request, document_tokens,
// document_order = "drawn" | "popularity".
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "simulator/core/rng_streams.hpp"
#include "simulator/workload/content_ids.hpp"
#include "simulator/workload/open_loop_workload.hpp"
#include "simulator/workload/prompt_length.hpp"
#include "simulator/workload/workload_spec.hpp"
#include "simulator/workload/zipf.hpp"

namespace moelab::sim {
namespace {

constexpr TrafficKeys kKeys{.num_requests = true, .content_block_tokens = true};

// [workload.rag]: system prompt + k documents (Zipf popularity over a corpus, placed in draw order
// or by popularity rank) + a question (prompt_tokens); answer from output_tokens.
struct RagTable {
  std::int64_t system_prompt_tokens = 0;
  std::int64_t corpus_documents = 0;       // corpus size N
  double zipf_s = 1.0;                     // P(rank r) proportional to r^-s, r = 1..N
  std::int64_t documents_per_request = 0;  // k distinct documents per request (k <= N)
  LengthDistributionPtr document_tokens;   // each document's length, drawn once per document
  bool popularity_order = false;           // document_order = "popularity": most popular first (else "drawn")
};

constexpr std::uint64_t kSystemTag = 0x53595354454D0000ULL;    // "SYSTEM"
constexpr std::uint64_t kDocumentTag = 0x444F43554D454E54ULL;  // "DOCUMENT"
constexpr std::uint64_t kQuestionTag = 0x5155455354494F4EULL;  // "QUESTION"
// Rejection draws per document before falling back (only reachable when k is close to N under
// heavy skew): then the most popular document not yet chosen is taken.
constexpr int kMaxRejections = 10'000;

class RagWorkload final : public OpenLoopWorkload {
 public:
  RagWorkload(const GeneratedTraffic& traffic, const RagTable& rag, std::uint64_t seed)
      : OpenLoopWorkload(traffic, seed),
        rag_(rag),
        block_tokens_(traffic.content_block_tokens),
        question_(traffic.prompt_tokens),
        output_(traffic.output_tokens),
        zipf_(rag.corpus_documents, rag.zipf_s),
        content_seed_(stream_seed(seed, RngStream::content)),
        prompt_rng_(stream_seed(seed, RngStream::prompt_lengths)),
        output_rng_(stream_seed(seed, RngStream::output_lengths)),
        choice_rng_(stream_seed(seed, RngStream::document_choice)) {
    // Each document's length is drawn once, in corpus order, from its own stream.
    Rng rng(stream_seed(seed, RngStream::document_lengths));
    document_tokens_.resize(static_cast<std::size_t>(rag_.corpus_documents));
    for (auto& t : document_tokens_) t = rag_.document_tokens->sample(rng);
  }

  // Documents of the last request built, in prompt order (for tests and analysis).
  const std::vector<std::int64_t>& last_documents() const { return chosen_; }

 protected:
  void build(Request& r) override {
    draw_documents();
    std::vector<ContentSegment> segments;
    segments.reserve(chosen_.size() + 2);
    std::int64_t prompt = rag_.system_prompt_tokens;
    segments.push_back({hash_combine(content_seed_, kSystemTag), rag_.system_prompt_tokens});
    for (const auto d : chosen_) {
      const std::int64_t len = document_tokens_[static_cast<std::size_t>(d)];
      segments.push_back({hash_combine(hash_combine(content_seed_, kDocumentTag), static_cast<std::uint64_t>(d)), len});
      prompt += len;
    }
    const std::int64_t question = question_->sample(prompt_rng_);
    segments.push_back(
        {hash_combine(hash_combine(content_seed_, kQuestionTag), static_cast<std::uint64_t>(r.id)), question});
    prompt += question;
    r.prompt_tokens = checked_prompt_tokens(prompt, "rag prompt");
    r.output_tokens = output_->sample(output_rng_);
    r.content_block_tokens = static_cast<std::int32_t>(block_tokens_);
    r.content_tokens = r.prompt_tokens;
    r.content_ids = block_content_ids(segments, r.content_tokens, block_tokens_);
  }

 private:
  void draw_documents() {
    chosen_.clear();
    for (std::int64_t i = 0; i < rag_.documents_per_request; ++i) {
      std::int64_t d = -1;
      for (int attempt = 0; attempt < kMaxRejections && d < 0; ++attempt) {
        const auto c = zipf_.sample(choice_rng_);
        if (std::find(chosen_.begin(), chosen_.end(), c) == chosen_.end()) d = c;
      }
      for (std::int64_t c = 0; d < 0; ++c) {
        if (std::find(chosen_.begin(), chosen_.end(), c) == chosen_.end()) d = c;
      }
      chosen_.push_back(d);
    }
    if (rag_.popularity_order) std::sort(chosen_.begin(), chosen_.end());
  }

  RagTable rag_;
  std::int64_t block_tokens_;
  LengthDistributionPtr question_, output_;
  ZipfSampler zipf_;
  std::uint64_t content_seed_;
  Rng prompt_rng_, output_rng_, choice_rng_;
  std::vector<std::int32_t> document_tokens_;
  std::vector<std::int64_t> chosen_;
};

class RagParams final : public WorkloadParams {
 public:
  RagParams(GeneratedTraffic traffic, RagTable rag) : traffic_(std::move(traffic)), rag_(std::move(rag)) {}

  MaybeProblem check() const override {
    if (auto p = check_generated_traffic(traffic_, kKeys)) return p;
    const auto& r = rag_;
    if (r.system_prompt_tokens < 0 || r.system_prompt_tokens > kMaxCount) {
      return problem("rag.system_prompt_tokens",
                     fmt::format("must be in [0, {}], got {}", kMaxCount, r.system_prompt_tokens));
    }
    // The Zipf table holds one double per document.
    if (r.corpus_documents < 1 || r.corpus_documents > 10'000'000) {
      return problem("rag.corpus_documents", fmt::format("must be in [1, 1e7], got {}", r.corpus_documents));
    }
    if (!(r.zipf_s >= 0) || !std::isfinite(r.zipf_s))
      return problem("rag.zipf_s", fmt::format("must be >= 0, got {}", r.zipf_s));
    if (r.documents_per_request < 1 || r.documents_per_request > r.corpus_documents) {
      return problem("rag.documents_per_request", fmt::format("must be in [1, corpus_documents = {}], got {}",
                                                              r.corpus_documents, r.documents_per_request));
    }
    return under("rag.document_tokens", r.document_tokens->check());
  }

  bool ends_by_itself() const override { return traffic_.num_requests > 0; }
  std::optional<RequestCount> request_count() const override { return open_loop_request_count(traffic_); }

  std::unique_ptr<Workload> make(std::uint64_t seed) const override {
    return std::make_unique<RagWorkload>(traffic_, rag_, seed);
  }

 private:
  GeneratedTraffic traffic_;
  RagTable rag_;
};

}  // namespace

std::shared_ptr<WorkloadParams> read_rag_workload(TableReader& workload) {
  GeneratedTraffic traffic = read_generated_traffic(workload, kKeys);
  const auto t = workload.table("rag");
  RagTable r;
  r.system_prompt_tokens = t->integer_or("system_prompt_tokens", 0);
  r.corpus_documents = t->integer("corpus_documents");
  r.zipf_s = t->number("zipf_s");
  r.documents_per_request = t->integer("documents_per_request");
  r.document_tokens = read_length_distribution(*t, "document_tokens");
  r.popularity_order = t->choice_or("document_order", {"drawn", "popularity"}, "drawn") == "popularity";
  t->finish();
  return std::make_shared<RagParams>(std::move(traffic), std::move(r));
}

}  // namespace moelab::sim
