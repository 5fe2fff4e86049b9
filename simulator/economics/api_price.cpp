#include "simulator/economics/api_price.hpp"

#include <limits>
#include <stdexcept>

namespace moelab::sim {
namespace {

struct Prices {
  double cached = 0, input = 0, output = 0;
};

double blend(const Prices& p, const TokenMix& mix) {
  return mix.uncached_input * p.input + mix.cached_input * p.cached + mix.output * p.output;
}

const ApiPrice* batch_tier(const ApiPrice& price, const std::vector<ApiPrice>& all) {
  for (const auto& e : all) {
    if (e.tier == "batch" && e.tier_of == price.id) return &e;
  }
  return nullptr;
}

}  // namespace

bool has_batch_prices(const ApiPrice& price, const std::vector<ApiPrice>& all) {
  return price.batch_input_usd_per_mtok > 0 || price.batch_discount_fraction > 0 || batch_tier(price, all) != nullptr;
}

ApiBlend api_usd_per_m_tokens(const ApiPrice& price, const std::vector<ApiPrice>& all, const TokenMix& mix,
                              double batch_fraction) {
  if (mix.output > 0 && !(price.output_usd_per_mtok > 0)) {
    throw std::invalid_argument("API price '" + price.id + "' lists no output price");
  }
  const Prices standard{
      price.cache_hit_input_usd_per_mtok > 0 ? price.cache_hit_input_usd_per_mtok : price.input_usd_per_mtok,
      price.input_usd_per_mtok, price.output_usd_per_mtok};
  ApiBlend b;
  b.standard_usd_per_m_tokens = blend(standard, mix);
  b.batch_usd_per_m_tokens = std::numeric_limits<double>::quiet_NaN();
  Prices batch;
  bool have_batch = true;
  if (price.batch_input_usd_per_mtok > 0) {
    batch = {0, price.batch_input_usd_per_mtok,
             price.batch_output_usd_per_mtok > 0 ? price.batch_output_usd_per_mtok : standard.output};
  } else if (const ApiPrice* tier = batch_tier(price, all)) {
    batch = {0, tier->input_usd_per_mtok, tier->output_usd_per_mtok > 0 ? tier->output_usd_per_mtok : standard.output};
  } else if (price.batch_discount_fraction > 0) {
    const double keep = 1.0 - price.batch_discount_fraction;
    batch = {0, standard.input * keep, standard.output * keep};
  } else {
    have_batch = false;
  }
  if (have_batch) {
    batch.cached = standard.cached * (batch.input / standard.input);
    b.batch_usd_per_m_tokens = blend(batch, mix);
  } else if (batch_fraction > 0) {
    throw std::invalid_argument("API price '" + price.id + "' lists no batch price");
  }
  b.usd_per_m_tokens = batch_fraction > 0 ? (1 - batch_fraction) * b.standard_usd_per_m_tokens +
                                                batch_fraction * b.batch_usd_per_m_tokens
                                          : b.standard_usd_per_m_tokens;
  return b;
}

}  // namespace moelab::sim
