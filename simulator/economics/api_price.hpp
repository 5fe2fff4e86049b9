#pragma once
// API list prices (data/prices/api.toml, loaded by lab/config/spec_prices.cpp) and what a given
// token mix costs under them: uncached input at the input price, cached input at the cache-hit
// price (the input price where none is listed), output at the output price; a share of the
// traffic may go through the batch API where one is listed.
#include <string>
#include <vector>

namespace moelab::sim {

struct ApiPrice {
  std::string id;  // unique in api.toml
  std::string provider;
  std::string model;
  double cache_hit_input_usd_per_mtok = 0;  // 0 = not given
  double input_usd_per_mtok = 0;
  double output_usd_per_mtok = 0;        // 0 = not given
  double batch_input_usd_per_mtok = 0;   // 0 = not given
  double batch_output_usd_per_mtok = 0;  // 0 = not given
  double batch_discount_fraction = 0;    // fraction off list; 0 = not given
  std::string tier;                      // "" or batch | flex | priority | long_context
  std::string tier_of;                   // the id this entry is a tier of
  std::string model_id;                  // data/models id (open weights), "" if none
  std::string quality_id;                // id in data/quality/scores.toml when not model_id
  std::string kind;                      // "list" | "third_party_host"
  std::string date;
  std::string source;

  // The id of the model's row in data/quality/scores.toml ("" when unknown).
  std::string quality_key() const { return quality_id.empty() ? model_id : quality_id; }
};

// Shares of a day's tokens; they sum to 1.
struct TokenMix {
  double uncached_input = 0;
  double cached_input = 0;
  double output = 0;
};

struct ApiBlend {
  double standard_usd_per_m_tokens = 0;  // the mix at standard prices
  double batch_usd_per_m_tokens = 0;     // the mix at batch prices; NaN when the API lists none
  double usd_per_m_tokens = 0;           // (1 - batch_fraction) x standard + batch_fraction x batch
};

// `all` is every entry of api.toml (a batch tier may be its own entry, `tier_of` = price.id).
// Batch prices: the entry's batch_* keys, else a batch-tier entry, else batch_discount_fraction
// off each list price; cached input in batch gets the same relative discount as uncached input.
// Throws std::invalid_argument when the mix needs a price the entry does not give (output), or
// batch_fraction > 0 for an API without batch prices.
ApiBlend api_usd_per_m_tokens(const ApiPrice& price, const std::vector<ApiPrice>& all, const TokenMix& mix,
                              double batch_fraction);

// Whether `price` has batch prices (directly or through a tier entry).
bool has_batch_prices(const ApiPrice& price, const std::vector<ApiPrice>& all);

}  // namespace moelab::sim
