#!/usr/bin/env bash
# Applies the project's C++ style (.clang-format) to every tracked C/C++/CUDA source, or with
# --check lists the files that differ from it and exits 1. clang-format-14 (Debian's; what
# scripts/setup.sh installs) is the reference: other versions format a few constructs differently.
# Without it, --check exits 77 (ctest: skipped).
# Usage: scripts/format.sh [--check]
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "format: unknown option $1 (usage: scripts/format.sh [--check])" >&2; exit 2 ;;
esac
clang_format=$(command -v clang-format-14 || true)
if [ -z "$clang_format" ]; then
  echo "format: clang-format-14 not found (scripts/setup.sh installs it)" >&2
  exit 77
fi
mapfile -t files < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp' '*.cu' '*.cuh')
if ((check)); then
  # One process for all files; --Werror turns each difference into "file:line:col: error: ...".
  if ! "$clang_format" --dry-run --Werror "${files[@]}" 2>"${TMPDIR:-/tmp}/format.$$"; then
    grep -oE '^[^: ]+:[0-9]+:[0-9]+: error' "${TMPDIR:-/tmp}/format.$$" | cut -d: -f1 | sort -u |
      sed 's/^/format: not in the project style (run scripts\/format.sh): /' >&2
    rm -f "${TMPDIR:-/tmp}/format.$$"
    exit 1
  fi
  rm -f "${TMPDIR:-/tmp}/format.$$"
  echo "format: ${#files[@]} files in the project style"
else
  "$clang_format" -i "${files[@]}"
fi
