"""First-touch prefix reuse of a Mooncake-format trace, from its hash_ids alone (no simulator).

A request can reuse the longest run of leading hash ids that some earlier request also began
with (the trace's ids each cover `id_tokens` tokens; the last may cover part of one); reuse is
whole KV blocks of `block_tokens` and leaves at least one prompt token to compute. This is the hit
rate of an unbounded prefix cache that sees the requests one after another: the bar an unlimited
KV tier must reach (tests/simulator/engine/test_kv_tiers.cpp computes the same in C++).

    python -m moelab_analysis.first_touch data/traces/mooncake_conversation.jsonl --block-tokens 16
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Iterable, Tuple


def first_touch(requests: Iterable[Tuple[int, list]], block_tokens: int, id_tokens: int = 512) -> Tuple[int, int]:
    """(hit tokens, prompt tokens) over `requests`, each (input_length, hash_ids)."""
    seen = set()
    hits = prompt_total = 0
    for prompt, ids in requests:
        prompt_total += prompt
        matched = 0
        matching = True
        prefix: tuple = ()
        for j, h in enumerate(ids):
            prefix = prefix + (h,)
            if matching and prefix in seen:
                matched = min(prompt, (j + 1) * id_tokens)
            else:
                matching = False
            seen.add(prefix)
        cap = ((prompt - 1) // block_tokens) * block_tokens
        hits += min((matched // block_tokens) * block_tokens, cap)
    return hits, prompt_total


def read_trace(path: str):
    with open(path) as f:
        for line in f:
            if line.strip():
                j = json.loads(line)
                yield int(j["input_length"]), list(j["hash_ids"])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("trace")
    p.add_argument("--block-tokens", type=int, default=16)
    args = p.parse_args(argv)
    hits, total = first_touch(read_trace(args.trace), args.block_tokens)
    print(f"first-touch hit rate {hits / total:.6f} ({hits} of {total} prompt tokens, {args.block_tokens}-token blocks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
