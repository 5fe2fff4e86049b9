#include "lab/runner/simulation_runner.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <optional>

#include "lab/h5/writer.hpp"
#include "lab/parallel/coordinator.hpp"
#include "lab/parallel/local_pool.hpp"
#include "lab/progress/progress.hpp"
#include "lab/runner/effective_values.hpp"
#include "lab/runner/partial_store.hpp"
#include "lab/runner/result_tables.hpp"
#include "lab/runner/run_experiment.hpp"
#include "lab/runner/simulate_point.hpp"
#include "lab/runner/summary_printer.hpp"

namespace moelab::lab {
namespace {

// A point computed but not saved beside the output: the results could not be stored.
class SaveFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the file at the output path is now (a failed run never touches it).
std::string output_note(const std::filesystem::path& output) {
  std::error_code ec;
  return std::filesystem::exists(output, ec) ? output.string() + " is unchanged"
                                             : "nothing was written to " + output.string();
}

std::string kept_note(const PartialStore& store, std::size_t total) {
  return fmt::format("{} of {} points are saved in {}: rerun with --resume to continue", store.finished_count(), total,
                     store.dir().string());
}

void warn_about(const PointResult& p, std::size_t& violated_runs) {
  const std::string label = p.label.empty() ? "-" : p.label;
  if (!p.invariant_violations.empty()) {
    ++violated_runs;
    for (const auto& v : p.invariant_violations) {
      std::fprintf(stderr, "moelab: warning: run %04llu (%s): invariant violated: %s\n",
                   static_cast<unsigned long long>(p.index), label.c_str(), v.c_str());
    }
  }
  if (p.unservable_requests > 0) {
    std::fprintf(stderr,
                 "moelab: warning: run %04llu (%s): %lld request%s dropped as unservable (first: request %lld, %s); "
                 "/runs/%04llu/requests column unservable_reason says why for each\n",
                 static_cast<unsigned long long>(p.index), label.c_str(), static_cast<long long>(p.unservable_requests),
                 p.unservable_requests == 1 ? "" : "s", static_cast<long long>(p.first_unservable_id),
                 p.first_unservable_reason.c_str(), static_cast<unsigned long long>(p.index));
  }
}

}  // namespace

int run_simulation(const SimulationPlan& plan, const ExperimentContext& context, RemoteWorkers* remote) {
  // Opened before the first run, so an unusable output path is reported before hours of work.
  std::optional<h5::Writer> opened;
  try {
    opened.emplace(context.output_path);
  } catch (const InputError&) {
    throw;  // already names the path and the problem
  } catch (const std::exception& e) {
    // Not creatable before anything ran (a read-only directory, no permission): an unusable
    // output path, reported as bad input.
    throw InputError({context.output_path.string(), 0, 0}, "",
                     std::string("cannot create the result file: ") + e.what());
  }
  h5::Writer& writer = *opened;

  const std::size_t total = plan.runs.size();
  std::vector<std::string> keys;
  keys.reserve(total);
  for (const auto& run : plan.runs) keys.push_back(point_key(run));
  PartialStore store(context.partial_dir, keys, plan.config_toml, context.resume, context.source.file());
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < total; ++i) {
    if (!store.finished(i)) pending.push_back(i);
  }

  SweepProgress progress(context.progress, total, total - pending.size());
  if (pending.size() < total) {
    progress.note(fmt::format("resuming: {} of {} points were finished before (in {})", total - pending.size(), total,
                              store.dir().string()));
  } else if (context.resume) {
    progress.note(fmt::format("nothing to resume in {}: starting from the first point", store.dir().string()));
  }

  // The file is written in point order while later points are still being computed: point i as
  // soon as points 0..i are saved, always from its saved bytes, so the writer sees the same
  // calls whatever computed the points and in whatever order they finished. A write that fails
  // (a full disk) stops the writing, not the computing: every point still gets saved.
  std::vector<std::vector<sim::Metric>> metrics;
  std::vector<PrintedRun> printed;
  std::size_t violated_runs = 0;
  std::size_t written = 0;
  std::string write_error;
  auto write_ready = [&](std::size_t just_saved, const std::string* bytes) {
    while (write_error.empty() && written < total && store.finished(written)) {
      try {
        const PointResult p = decode_point(written == just_saved && bytes != nullptr ? *bytes : store.load(written));
        write_point(writer, p);
        write_effective_attributes(writer, fmt::format("/runs/{:04d}", p.index), plan.runs[written]);
        progress.finish();  // warnings on a line of their own
        warn_about(p, violated_runs);
        metrics.push_back(summary_metrics_of(p));
        printed.push_back({p.label, metrics.back()});
        ++written;
      } catch (const std::exception& e) {
        write_error = e.what();
      }
    }
  };
  try {
    writer.write_provenance({"simulation", plan.config_toml, context.source.file(), context.command_line});
    writer.set_attr("/", "experiment_name", plan.header.name);
    writer.set_attr("/", "experiment_description", plan.header.description);
  } catch (const std::exception& e) {
    write_error = e.what();
  }
  write_ready(total, nullptr);  // points finished by an earlier run
  double last_point_s = progress.elapsed_s();

  try {
    LocalPool pool(context.jobs, [&](std::size_t i, std::atomic<double>& fraction) {
      return encode_point(simulate_point(plan.runs[i], [&](double f) { fraction = f; }));
    });
    CoordinatorCallbacks callbacks;
    callbacks.on_result = [&](std::size_t i, std::string bytes) {
      try {
        store.save(i, bytes);
      } catch (const InputError&) {
        throw;  // the partial results are another run's (locked): bad input, nothing computed is lost
      } catch (const std::exception& e) {
        throw SaveFailed(e.what());
      }
      progress.point_done(i, plan.runs[i].label);
      last_point_s = progress.elapsed_s();
      write_ready(i, &bytes);
    };
    callbacks.on_tick = [&] { progress.tick(pool.fraction_in_progress()); };
    callbacks.key_of = [&](std::size_t i) { return keys[i]; };
    run_points(pending, pool, remote, callbacks);
  } catch (const InputError&) {
    throw;
  } catch (const SaveFailed& e) {
    progress.finish();
    opened.reset();  // removes the temporary
    throw RunFailed(fmt::format("{}; {}; {}", e.what(), output_note(context.output_path), kept_note(store, total)),
                    true);
  } catch (const std::exception& e) {
    progress.finish();
    throw RunFailed(fmt::format("{}; {}", e.what(), kept_note(store, total)), false);
  }

  if (write_error.empty()) {
    try {
      writer.write_table("/summary", summary_table(plan, metrics));
      writer.write_table("/effective", effective_table(plan));
      writer.commit();
    } catch (const std::exception& e) {
      write_error = e.what();
    }
  }
  if (!write_error.empty()) {
    progress.finish();
    opened.reset();  // removes the temporary: the previous file at the output path stays as it was
    // The writer's own message says what the output path holds now.
    throw RunFailed(
        fmt::format("cannot write {}: {}; {}", context.output_path.string(), write_error, kept_note(store, total)),
        true);
  }
  store.remove();
  progress.note(fmt::format("wrote {} ({} points; {} after the last point)", context.output_path.string(), total,
                            format_duration(progress.elapsed_s() - last_point_s)));

  std::fputs(format_summary(printed).c_str(), stdout);
  std::printf("wrote %s\n", context.output_path.string().c_str());
  std::fflush(stdout);
  if (violated_runs > 0) {
    std::fprintf(stderr, "moelab: error: %zu run(s) violated simulator invariants (a bug); results kept in %s\n",
                 violated_runs, context.output_path.string().c_str());
    return 1;
  }
  return 0;
}

}  // namespace moelab::lab
