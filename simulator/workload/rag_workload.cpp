// kind = "rag": [system prompt][doc 1]...[doc k][question]. Documents are drawn without
// replacement from a corpus with Zipf(s) popularity (document i has popularity rank i) and placed
// in draw order (or by rank with document_order = "popularity"). Ids are prefix-chained
// (content_ids.hpp), so a document's blocks are shared only with requests that have the same
// system prompt and the same documents before it in the same order, at the same offsets: reuse
// needs the same first document(s). Sharing that is not prefix-aligned is invisible to a prefix
// cache by construction.
#include <algorithm>

#include "simulator/core/rng_streams.hpp"
#include "simulator/workload/content_ids.hpp"
#include "simulator/workload/open_loop_workload.hpp"
#include "simulator/workload/prompt_length.hpp"
#include "simulator/workload/workload_factories.hpp"
#include "simulator/workload/zipf.hpp"

namespace moelab::sim {
namespace {

constexpr std::uint64_t kSystemTag = 0x53595354454D0000ULL;    // "SYSTEM"
constexpr std::uint64_t kDocumentTag = 0x444F43554D454E54ULL;  // "DOCUMENT"
constexpr std::uint64_t kQuestionTag = 0x5155455354494F4EULL;  // "QUESTION"
// Rejection draws per document before falling back (only reachable when k is close to N under
// heavy skew): then the most popular document not yet chosen is taken.
constexpr int kMaxRejections = 10'000;

class RagWorkload final : public OpenLoopWorkload {
 public:
  RagWorkload(const WorkloadSpec& spec, std::uint64_t seed)
      : OpenLoopWorkload(spec, seed),
        rag_(spec.rag),
        block_tokens_(spec.content_block_tokens),
        question_(spec.prompt_tokens),
        output_(spec.output_tokens),
        zipf_(spec.rag.corpus_documents, spec.rag.zipf_s),
        content_seed_(stream_seed(seed, RngStream::content)),
        prompt_rng_(stream_seed(seed, RngStream::prompt_lengths)),
        output_rng_(stream_seed(seed, RngStream::output_lengths)),
        choice_rng_(stream_seed(seed, RngStream::document_choice)) {
    // Each document's length is drawn once, in corpus order, from its own stream.
    const LengthSampler doc_length(rag_.document_tokens);
    Rng rng(stream_seed(seed, RngStream::document_lengths));
    document_tokens_.resize(static_cast<std::size_t>(rag_.corpus_documents));
    for (auto& t : document_tokens_) t = doc_length.sample(rng);
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
    const std::int64_t question = question_.sample(prompt_rng_);
    segments.push_back({hash_combine(hash_combine(content_seed_, kQuestionTag), static_cast<std::uint64_t>(r.id)), question});
    prompt += question;
    r.prompt_tokens = checked_prompt_tokens(prompt, "rag prompt");
    r.output_tokens = output_.sample(output_rng_);
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
    if (rag_.document_order == "popularity") std::sort(chosen_.begin(), chosen_.end());
  }

  RagSpec rag_;
  std::int64_t block_tokens_;
  LengthSampler question_, output_;
  ZipfSampler zipf_;
  std::uint64_t content_seed_;
  Rng prompt_rng_, output_rng_, choice_rng_;
  std::vector<std::int32_t> document_tokens_;
  std::vector<std::int64_t> chosen_;
};

}  // namespace

std::unique_ptr<Workload> make_rag_workload(const WorkloadSpec& spec, std::uint64_t seed) {
  return std::make_unique<RagWorkload>(spec, seed);
}

}  // namespace moelab::sim
