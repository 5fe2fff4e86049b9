"""Which datasets differ between two moelab files, byte for byte.

Determinism checks compare result *datasets*, not files: the root attributes hold the creation time,
host and command line, which differ between any two runs. Two datasets are equal when their paths,
shapes, dtypes and raw bytes are equal; attributes of datasets and groups are compared too (they
carry units and run parameters), except the root's provenance attributes.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import h5py
import numpy as np

from .errors import MoelabFileError

# Root attributes that legitimately differ between two runs of the same config.
PROVENANCE_ATTRS = {"created_utc", "host", "command_line", "git_commit", "moelab_version"}


def _walk(f: h5py.File) -> Dict[str, Tuple[str, object]]:
    items: Dict[str, Tuple[str, object]] = {}

    def visit(name, obj):
        kind = "dataset" if isinstance(obj, h5py.Dataset) else "group"
        items[name] = (kind, obj)

    f.visititems(visit)
    return items


def _attrs(obj, skip=()) -> Dict[str, bytes]:
    out = {}
    for key in obj.attrs:
        if key in skip:
            continue
        out[key] = _canonical(obj.attrs[key])
    return out


def _canonical(value) -> bytes:
    """Bytes that are equal exactly when the values are (object arrays hold pointers, not text)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    arr = np.asarray(value)
    if arr.dtype.hasobject:  # vlen strings, alone or inside a compound row
        return repr([(_canonical(v)) for v in arr.ravel().tolist()]).encode() + repr(arr.shape).encode()
    return arr.dtype.str.encode() + repr(arr.shape).encode() + arr.tobytes()


def dataset_differences(path_a, path_b, ignore_attrs: bool = False,
                        skip_attrs: Tuple[str, ...] = ("wall_s", "requests_per_wall_s", "events_per_wall_s"),
                        allow_added: bool = False) -> List[str]:
    """One line per difference (empty when every dataset is byte-identical).

    `skip_attrs` are per-run attributes measured in wall time (never deterministic). `allow_added`:
    datasets, groups and attributes present only in B are not differences (B = A plus new outputs);
    everything A has must still be in B, unchanged."""
    try:
        fa, fb = h5py.File(path_a, "r"), h5py.File(path_b, "r")
    except OSError as e:
        raise MoelabFileError(f"cannot open: {e}") from e
    with fa, fb:
        a, b = _walk(fa), _walk(fb)
        diffs = [f"only in A: /{n}" for n in sorted(set(a) - set(b))]
        if not allow_added:
            diffs += [f"only in B: /{n}" for n in sorted(set(b) - set(a))]
        for name in sorted(set(a) & set(b)):
            (ka, oa), (kb, ob) = a[name], b[name]
            if ka != kb:
                diffs.append(f"/{name}: {ka} in A, {kb} in B")
                continue
            if ka == "dataset":
                if oa.shape != ob.shape or oa.dtype != ob.dtype:
                    diffs.append(f"/{name}: shape/dtype {oa.shape} {oa.dtype} vs {ob.shape} {ob.dtype}")
                elif _canonical(oa[()]) != _canonical(ob[()]):
                    diffs.append(f"/{name}: values differ")
            if not ignore_attrs:
                aa, ab = _attrs(oa, skip_attrs), _attrs(ob, skip_attrs)
                for key in sorted(set(aa) if allow_added else set(aa) | set(ab)):
                    if aa.get(key) != ab.get(key):
                        diffs.append(f"/{name}@{key}: attribute differs")
        if not ignore_attrs:
            ra, rb = _attrs(fa, PROVENANCE_ATTRS), _attrs(fb, PROVENANCE_ATTRS)
            for key in sorted(set(ra) if allow_added else set(ra) | set(rb)):
                if ra.get(key) != rb.get(key):
                    diffs.append(f"/@{key}: root attribute differs")
    return diffs
