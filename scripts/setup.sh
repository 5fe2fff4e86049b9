#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine: system packages, the Python venv, the build.
# Usage: scripts/setup.sh [--no-build] [PRESET]   (PRESET defaults to "default")
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
preset=default
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) preset="$arg" ;;
  esac
done

apt_packages=(
  cmake ninja-build g++ ccache git pkg-config
  libhdf5-dev libboost-test-dev libtrilinos-kokkos-dev libopenmpi-dev openmpi-bin
  libtomlplusplus-dev libcli11-dev libfmt-dev nlohmann-json3-dev
  clang-14 libclang-rt-14-dev  # preset `sanitize` (ASan + UBSan) and the libFuzzer targets in fuzz/
  clang-format-14  # scripts/format.sh: the C++ style of .clang-format
  python3 python3-venv python3-pip python3-setuptools python3-h5py python3-matplotlib python3-numpy python3-pandas python3-pytest
)

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's python3 sees the Debian numpy/h5py/matplotlib/pandas; a venv over it holds our package.
if [ ! -x .venv/bin/python ]; then
  /usr/bin/python3 -m venv --system-site-packages .venv
fi
if ! .venv/bin/python -c "import moelab_analysis" 2>/dev/null; then
  .venv/bin/python -m pip install --quiet --no-build-isolation --no-deps -e analysis
fi

export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# Paths under the checkout hash as relative ones, so every clone of the repo shares the cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
# The sanitize preset keeps line tables (-g): without this, ccache would also hash the build
# directory and a fresh clone would miss every object of that build.
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
if ((build)); then
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
fi
