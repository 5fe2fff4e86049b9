#!/usr/bin/env bash
# Sets up (idempotently), builds and runs every test: ctest (Boost.Test suites) and pytest (analysis).
# GPU tests carry the ctest label "gpu" and skip themselves when no GPU is present.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-default}"
scripts/setup.sh "$preset"
ctest --preset "$preset" -j "$(nproc)"
.venv/bin/python -m pytest -q analysis/tests
