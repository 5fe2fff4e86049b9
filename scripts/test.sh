#!/usr/bin/env bash
# Sets up (idempotently), builds and runs every test: ctest (Boost.Test suites) and pytest (analysis).
# GPU tests carry the ctest label "gpu" and skip themselves when no GPU is present.
# Then the same ctest suites built with ASan + UBSan (preset `sanitize`, clang-14) and every fuzz
# target for MOELAB_FUZZ_SECONDS (default 15) each. That is a second full build (ccache keeps it
# short after the first); MOELAB_SANITIZE_TESTS=0 leaves it out.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-default}"
scripts/setup.sh "$preset"
ctest --preset "$preset" -j "$(nproc)"
.venv/bin/python -m pytest -q analysis/tests
# The validation suite (predicted vs measured on data/validation/): reports its errors, gates nothing
# on their size; a failure to run is a failure.
experiments/validation/run.sh --moelab "build/$preset/lab/moelab" -o out/validation/validation.h5
if [ "${MOELAB_SANITIZE_TESTS:-1}" != 0 ]; then
  scripts/setup.sh sanitize
  ctest --preset sanitize -j "$(nproc)"
  scripts/fuzz.sh "${MOELAB_FUZZ_SECONDS:-15}"
fi
