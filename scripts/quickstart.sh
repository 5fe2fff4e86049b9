#!/usr/bin/env bash
# Sets up (idempotently), builds and runs the quickstart experiment, then draws its figures.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh default
mkdir -p out/quickstart
build/default/lab/moelab run experiments/quickstart.toml -o out/quickstart/quickstart.h5
.venv/bin/python -m moelab_analysis figures out/quickstart/quickstart.h5 -o out/quickstart
.venv/bin/python -m moelab_analysis summary out/quickstart/quickstart.h5
