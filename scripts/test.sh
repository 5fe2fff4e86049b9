#!/usr/bin/env bash
# Sets up (idempotently), builds and runs every test: ctest (Boost.Test suites) and pytest (analysis).
# GPU tests carry the ctest label "gpu" and skip themselves when no GPU is present.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-default}"
scripts/setup.sh "$preset"
ctest --preset "$preset" -j "$(nproc)"
.venv/bin/python -m pytest -q analysis/tests
# The validation suite (predicted vs measured on data/validation/): reports its errors, gates nothing
# on their size; a failure to run is a failure.
experiments/validation/run.sh --moelab "build/$preset/lab/moelab" -o out/validation/validation.h5
