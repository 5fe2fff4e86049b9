#pragma once
// A request trace read and validated in full before anything runs, held as flat columns
// (about 16 bytes per request plus 8 per content id: the 12,031-row Mooncake conversation trace
// with its ~290k hash ids takes ~2.5 MB).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace moelab::sim {

struct TraceData {
  std::string path;                       // as given (named in errors)
  std::int32_t content_block_tokens = 0;  // 0 = no content ids (CSV)
  std::vector<double> arrival_s;          // unscaled, non-decreasing
  std::vector<std::int32_t> prompt_tokens;
  std::vector<std::int32_t> output_tokens;
  std::vector<std::uint64_t> id_begin;  // ids of row i: content_ids[id_begin[i], id_begin[i + 1]); empty when no ids
  std::vector<std::uint64_t> content_ids;

  std::size_t size() const { return arrival_s.size(); }
};

// Mooncake FAST'25 JSONL: one object per line {timestamp (ms), input_length, output_length,
// hash_ids}; other keys are ignored, blank lines skipped. Throws InputError(file, line, key) for
// malformed JSON, a missing, non-integer or out-of-range field (input_length, output_length >= 1;
// timestamp >= 0), timestamps that decrease (rows must be in arrival order; equal is fine), or more
// hash ids than ceil(input_length / 512). Fewer ids are allowed: they describe a leading part.
TraceData load_mooncake_trace(const std::filesystem::path& path);

// Vidur-style CSV: a header naming arrived_at (seconds), num_prefill_tokens, num_decode_tokens in
// any order (other columns ignored), then one row per request. Counts may be written as integral
// decimals ("512.0"). Same errors and ordering rule as the Mooncake reader.
TraceData load_csv_trace(const std::filesystem::path& path);

}  // namespace moelab::sim
