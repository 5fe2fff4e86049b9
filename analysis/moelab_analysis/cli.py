"""`python -m moelab_analysis {figures,summary,compare,diff} ...`: exit 0 on success, 2 on bad input."""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from . import load
from .errors import MoelabFileError

EXIT_OK = 0
EXIT_DIFFERENT = 1  # `diff`: the files' datasets differ
EXIT_BAD_INPUT = 2


def _cmd_figures(args) -> int:
    from .figures import draw_figures

    formats = [f.strip().lower() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in ("png", "pdf", "svg")]
    if unknown or not formats:
        raise MoelabFileError(f"--formats: unsupported {', '.join(unknown) or '(empty)'}; use png, pdf or svg")
    runs = None
    if args.runs is not None:
        spec = args.runs.strip()
        runs = [] if spec == "none" else None if spec == "all" else [r.strip() for r in spec.split(",") if r.strip()]
    for path in draw_figures(args.file, args.outdir, formats, runs=runs, color_by=args.color_by,
                             benchmark=args.benchmark):
        print(path)
    return EXIT_OK


def _cmd_summary(args) -> int:
    from .text_table import headline_columns, render

    attrs = load.root_attrs(args.file)
    kind = attrs.get("kind", "")
    df = load.capacity_table(args.file, "capacity") if kind == load.KIND_CAPACITY else load.summary(args.file)
    columns = list(df.columns) if args.all else headline_columns(df, kind)
    name = load.experiment_name(attrs, args.file)
    print(f"{name} ({attrs.get('kind')}, {len(df)} rows) — {args.file}")
    if len(df) == 0:
        print("(empty summary)")
        return EXIT_OK
    print(render(df, columns, df.attrs.get("units", {})))
    return EXIT_OK


def _cmd_compare(args) -> int:
    from .compare import compare_metric
    from .text_table import render

    table = compare_metric(args.a, args.b, args.metric)
    print(f"{args.metric}: A = {args.a}, B = {args.b}, ratio = B / A")
    if len(table):
        print(render(table, list(table.columns), table.attrs["units"]))
    else:
        print("(no run label appears in both files)")
    for side, key in (("A", "unmatched_a"), ("B", "unmatched_b")):
        if table.attrs[key]:
            print(f"only in {side}: {', '.join(table.attrs[key])}")
    return EXIT_OK


def _cmd_diff(args) -> int:
    from .dataset_diff import dataset_differences

    diffs = dataset_differences(args.a, args.b, ignore_attrs=args.datasets_only, allow_added=args.allow_added)
    for line in diffs:
        print(line)
    if not diffs:
        print(f"identical datasets: {args.a} == {args.b}")
    return EXIT_OK if not diffs else EXIT_DIFFERENT


def _cmd_validation_run(args) -> int:
    from pathlib import Path

    from .validation import run_suite, sensitivity, write_table

    moelab = Path(args.moelab)
    if not moelab.is_file():
        raise MoelabFileError(f"--moelab: no such executable: {moelab}")
    data_dir = Path(args.data_dir)
    if not (data_dir / "validation").is_dir():
        raise MoelabFileError(f"--data-dir: {data_dir} has no validation/ folder")
    out = Path(args.output)
    workdir = Path(args.workdir) if args.workdir else out.with_suffix("")

    def progress(row):
        state = f"{row['ape_pct']:6.1f}%" if row["simulated"] else "  (not simulated)"
        print(f"  {row['id']:<64} {state}", file=sys.stderr)

    df = run_suite(moelab, data_dir, workdir, steady_state_check=args.steady_state_check,
                   only=args.only.split(",") if args.only else None, progress=progress)
    sweep = None
    if args.overhead_sweep:
        try:
            values = [float(v) for v in args.overhead_sweep.split(",") if v.strip()]
        except ValueError:
            raise MoelabFileError(f"--overhead-sweep: expected seconds separated by commas, got {args.overhead_sweep!r}")
        if not values or any(v < 0 for v in values):
            raise MoelabFileError(f"--overhead-sweep: expected seconds >= 0, got {args.overhead_sweep!r}")
        sweep = sensitivity(moelab, data_dir, workdir / "sensitivity", "step_overhead_s", values,
                            only=args.only.split(",") if args.only else None, progress=lambda v: print(f"  step_overhead_s = {v:g} s done", file=sys.stderr))
    write_table(df, out, moelab, data_dir, " ".join(["python -m moelab_analysis"] + sys.argv[1:]), sweep)
    print(f"wrote {out}")
    _print_validation(df)
    if sweep is not None:
        _print_sensitivity(sweep)
    return EXIT_OK


def _print_sensitivity(sweep) -> int:
    from .text_table import render

    print("sensitivity: every simulated point with [engine] step_overhead_s set to each value (nothing fitted)")
    units = {"median_ape_pct": "%", "worst_ape_pct": "%", "median_error_pct": "%"}
    print(render(sweep, list(sweep.columns), units))
    return EXIT_OK


def _print_validation(df) -> int:
    from .text_table import render
    from .validation import error_table

    table = error_table(df)
    print(render(table, list(table.columns), table.attrs["units"]))
    return EXIT_OK


def _cmd_validation_report(args) -> int:
    from pathlib import Path

    from .validation import parity_plot, points, sensitivity_table

    df = points(args.file)
    _print_validation(df)
    sweep = sensitivity_table(args.file)
    if sweep is not None:
        _print_sensitivity(sweep)
    if args.outdir:
        formats = [f.strip().lower() for f in args.formats.split(",") if f.strip()]
        for path in parity_plot(df, Path(args.outdir), Path(args.file).stem, formats):
            print(path)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m moelab_analysis",
                                     description="Figures and summaries from moelab HDF5 result files.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("figures", help="draw every figure for a result file")
    p.add_argument("file", help="a moelab .h5 file (simulation, kernel-ab or capacity)")
    p.add_argument("-o", "--outdir", required=True, help="directory for the figures (created if needed)")
    p.add_argument("--formats", default="png", help="comma-separated: png, pdf, svg (default: png)")
    p.add_argument("--runs", default=None,
                   help="simulation files: runs that get KV and queue figures, as numbers (0,3), "
                        "'all' (default) or 'none'")
    p.add_argument("--color-by", default=None,
                   help="capacity files: the /capacity column that sets colours (a swept key such as "
                        "hardware__id, or model, hardware, engine; default: model x hardware x engine)")
    p.add_argument("--benchmark", default=None,
                   help="capacity files: quality benchmark for the $/M-vs-quality figure (default: the most covered)")
    p.set_defaults(func=_cmd_figures)

    p = sub.add_parser("summary", help="print the /summary table")
    p.add_argument("file")
    p.add_argument("--all", action="store_true", help="print every column, not only the headline ones")
    p.set_defaults(func=_cmd_summary)

    p = sub.add_parser("compare", help="ratio B/A of one /summary metric per matching run label")
    p.add_argument("a", help="the reference file (A)")
    p.add_argument("b", help="the file compared with it (B)")
    p.add_argument("--metric", default="output_tok_per_s", help="a /summary column (default: output_tok_per_s)")
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser("diff", help="datasets (and their attributes) that differ byte for byte; exit 1 if any")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--datasets-only", action="store_true", help="ignore attributes, compare dataset bytes only")
    p.add_argument("--allow-added", action="store_true",
                   help="what only B has (new datasets, groups, attributes) is not a difference; all of A must match")
    p.set_defaults(func=_cmd_diff)

    p = sub.add_parser("validation", help="the validation suite: run data/validation through moelab, or report on it")
    vsub = p.add_subparsers(dest="validation_command", required=True)
    v = vsub.add_parser("run", help="run every end-to-end point; write the predicted-vs-measured table")
    v.add_argument("--moelab", required=True, help="the moelab executable (e.g. build/cpu/lab/moelab)")
    v.add_argument("--data-dir", default="data", help="the data folder holding validation/ (default: data)")
    v.add_argument("-o", "--output", default="out/validation.h5", help="the table (default: out/validation.h5)")
    v.add_argument("--workdir", default=None, help="per-point experiments and results (default: OUTPUT without .h5)")
    v.add_argument("--only", default=None, help="comma-separated point ids")
    v.add_argument("--steady-state-check", action="store_true",
                   help="re-run every simulated point with twice the requests and store the change")
    v.add_argument("--overhead-sweep", default=None, metavar="S,S,...",
                   help="also re-run every simulated point with [engine] step_overhead_s at each value (seconds) "
                        "and store the error by family in /sensitivity")
    v.set_defaults(func=_cmd_validation_run)
    v = vsub.add_parser("report", help="error table by family; with -o, the parity plot")
    v.add_argument("file", help="a validation .h5 file")
    v.add_argument("-o", "--outdir", default=None, help="directory for the parity plot")
    v.add_argument("--formats", default="png", help="comma-separated: png, pdf, svg (default: png)")
    v.set_defaults(func=_cmd_validation_report)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # usage errors exit 2 through argparse
    try:
        return args.func(args)
    except MoelabFileError as e:
        print(f"moelab_analysis: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `... | head` is fine
        return EXIT_OK
    except OSError as e:  # e.g. an output directory that cannot be written
        print(f"moelab_analysis: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
