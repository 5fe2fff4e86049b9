#pragma once
// Reads a kernel-lab routing measurement: the `tokens` column of a tokens_per_expert dataset
// (/ab/<op>/<case>/tokens_per_expert, columns expert and tokens, written by lab/ab/report.cpp),
// in expert order. This is how measured routing reaches the simulator ([moe] routing =
// "measured"): lab reads the file, the simulator gets the counts.
#include <filesystem>
#include <string>
#include <vector>

namespace moelab::h5 {

// Counts per expert (index = the `expert` column). Throws std::runtime_error with a reason when
// the file, the dataset or its columns are missing or malformed (callers turn it into InputError).
std::vector<double> read_tokens_per_expert(const std::filesystem::path& file, const std::string& dataset);

}  // namespace moelab::h5
