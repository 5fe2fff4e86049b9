#!/usr/bin/env python3
"""Build paper.md from a template and the experiments' HDF5 results. No number in the paper is
typed by hand: every one comes from a `{{ expression | format }}` placeholder evaluated against
the result file of the section it appears in.

Layout read:
    TEMPLATE (paper.template.md)    the frame; `{{ sections }}` marks where the experiments go,
                                    `{{ provenance }}` a list of the files and commits used
    SECTIONS/<stem>.md              optional prose for one experiment; without it the section
                                    is generated (headline table + figures)
    RESULTS/<stem>.h5               the experiment's results (written by `moelab run`)
    FIGURES/<stem>-*.png            its figures (written by `python -m moelab_analysis figures`)

Inside a section, placeholders see (summary = the file's /summary as a DataFrame):
    rows            the summary DataFrame (pandas expressions: rows.output_tok_per_s.max())
    run[i]          row i as an object: run[0].ttft_p99_s
    label["..."]    the row with that run label
    attrs           root attributes (attrs["git_commit"]);  run_attrs[i]: /runs/<i> attributes
    unit("col")     the column's unit;  pct(x): 100 * x;  ratio(a, b): a / b
    table()         the headline summary as a Markdown table (table(["run", "ttft_p99_s"]): chosen columns)
    figures()       every figure, embedded; figures("latency-cdf", "queues-run0004"): those whose
                    file name contains one of the words
    capacity("fleet")  a table of a capacity file (kind = "capacity") as a DataFrame

Everywhere, the template frame included (there `{{ sections }}` and `{{ provenance }}` are kept):
    exp["stem"]     another experiment's names: exp["sglang_vs_vllm_rag"].label["..."].output_tok_per_s
    data("stem", "table")   any table of RESULTS/<stem>.h5 as a DataFrame (e.g. seed_arithmetic.h5,
                    written by seed_arithmetic.py); the file is listed under provenance
    value(df, column, **where)   the one cell of `column` in the row matching every `where`
    quantity("stem", claim, name)   value(data(stem, "arithmetic"), "value", claim=..., quantity=...)
    paired_ratio(rows, metric, key, num, den)   metric at key == num over key == den, per other swept key
Format after the last `|` is a Python format spec: `{{ run[0].output_tok_per_s | ,.0f }}`; a `|`
not followed by a format spec belongs to the expression.
"""
from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path
from typing import Dict, List

import numpy as np

PLACEHOLDER = re.compile(r"\{\{(.+?)\}\}", re.DOTALL)
# A Python format spec: fill/align, sign, #, 0, width, grouping, precision, type; no spaces or names.
FORMAT_SPEC = re.compile(r"^(.?[<>=^])?[+\- ]?#?0?\d*[,_]?(\.\d+)?[bcdeEfFgGnosxX%]?$")


class PaperError(Exception):
    pass


class Row:
    """Attribute access to one summary row; numpy scalars become plain Python numbers."""

    def __init__(self, series):
        self._series = series

    def __getattr__(self, name):
        if name not in self._series.index:
            raise PaperError(f"no column {name!r} (columns: {', '.join(self._series.index)})")
        value = self._series[name]
        return value.item() if isinstance(value, np.generic) else value


class Names:
    """Attribute and item access to a section's namespace (exp["stem"].rows, exp["stem"].label[...])."""

    def __init__(self, stem: str, namespace: Dict[str, object]):
        self._stem = stem
        self._namespace = namespace

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._namespace:
            raise PaperError(f"experiment {self._stem!r} has no name {name!r}")
        return self._namespace[name]


class Experiments(dict):
    def __missing__(self, stem):
        raise PaperError(f"no experiment {stem!r} in this paper (experiments: {', '.join(self)})")


class DataFiles:
    """Tables of any HDF5 file under RESULTS, read on first use and listed under provenance."""

    def __init__(self, results: Path):
        self.results = results
        self.used: Dict[str, Dict[str, object]] = {}
        self._tables: Dict[tuple, object] = {}

    def table(self, stem: str, name: str):
        import h5py
        from moelab_analysis.load import table_from_dataset

        key = (stem, name)
        if key not in self._tables:
            path = self.results / f"{stem}.h5"
            if not path.exists():
                raise PaperError(f"{path}: missing (make.sh writes it)")
            with h5py.File(path, "r") as f:
                if name not in f:
                    raise PaperError(f"{path}: has no table {name!r} (tables: {', '.join(f.keys())})")
                self._tables[key] = table_from_dataset(f[name])
                self.used[stem] = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        return self._tables[key]


def value(df, column: str, **where):
    """The single cell of `column` in the row of `df` whose columns equal every `where` value."""
    if column not in df.columns:
        raise PaperError(f"no column {column!r} (columns: {', '.join(df.columns)})")
    mask = np.ones(len(df), dtype=bool)
    for key, wanted in where.items():
        if key not in df.columns:
            raise PaperError(f"no column {key!r} to select on (columns: {', '.join(df.columns)})")
        mask &= (df[key] == wanted).to_numpy()
    hits = df[column][mask]
    if len(hits) != 1:
        raise PaperError(f"{len(hits)} rows match {where} (need exactly one)")
    v = hits.iloc[0]
    return v.item() if isinstance(v, np.generic) else v


def shared_namespace(experiments: "Experiments", files: DataFiles) -> Dict[str, object]:
    from moelab_analysis.compare import paired_ratio

    return {
        "exp": experiments,
        "data": files.table,
        "value": value,
        "quantity": lambda stem, claim, name: value(files.table(stem, "arithmetic"), "value", claim=claim, quantity=name),
        "paired_ratio": paired_ratio,
        "np": np, "len": len, "min": min, "max": max, "abs": abs, "round": round, "sum": sum, "sorted": sorted,
        "set": set, "list": list, "str": str, "int": int, "float": float,
        "pct": lambda x: 100.0 * x,
        "ratio": lambda a, b: a / b,
    }


class ByLabel:
    def __init__(self, rows):
        self._rows = rows

    def __getitem__(self, label):
        match = self._rows[self._rows["label"] == label]
        if len(match) != 1:
            raise PaperError(f"no single run labelled {label!r} (labels: {', '.join(self._rows['label'])})")
        return Row(match.iloc[0])


def _format_number(value) -> str:
    """Plain placeholders and table cells: 4 significant digits, whole numbers from 10,000 up."""
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isnan(v):
            return "n/a"
        from moelab_analysis.text_table import format_value

        return f"{v:,.0f}" if abs(v) >= 1e4 else format_value(v)
    return str(value)


def markdown_table(df, columns: List[str], units: Dict[str, str]) -> str:
    head = [f"{c} [{units[c]}]" if units.get(c) else c for c in columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for _, row in df[columns].iterrows():
        lines.append("| " + " | ".join(_format_number(v) for v in row) + " |")
    return "\n".join(lines)


class Section:
    """Everything a placeholder in one experiment's section can refer to."""

    def __init__(self, stem: str, results: Path, figures_dir: Path, paper_dir: Path):
        from moelab_analysis import load
        from moelab_analysis.text_table import headline_columns

        self.stem = stem
        self.path = results / f"{stem}.h5"
        if not self.path.exists():
            raise PaperError(f"{self.path}: missing (did `moelab run` fail for {stem}?)")
        self.attrs = load.root_attrs(self.path)
        self.kind = self.attrs.get("kind")
        # A capacity file's rows are its /capacity table (one row per sweep point); it has no /summary.
        self.rows = load.capacity_table(self.path, "capacity") if self.kind == "capacity" else load.summary(self.path)
        self.units = self.rows.attrs.get("units", {})
        self.headline = (["run", "label", "status", "capacity", "ttft_p99_s", "tpot_p99_s"] if self.kind == "capacity"
                         else headline_columns(self.rows, self.kind))
        self.run_attrs = ([load.run_attrs(self.path, r) for r in load.run_names(self.path)]
                          if self.kind == "simulation" else [])
        self.shared: Dict[str, object] = {}
        self.name = load.experiment_name(self.attrs, self.path)
        self.figure_paths = sorted(figures_dir.glob(f"{stem}-*.png"), key=_figure_order)
        self.paper_dir = paper_dir

    def namespace(self) -> Dict[str, object]:
        rows = self.rows
        return {
            **self.shared,
            "capacity": self.capacity_table,
            "rows": rows,
            "run": [Row(rows.iloc[i]) for i in range(len(rows))],
            "label": ByLabel(rows) if "label" in rows.columns else None,
            "attrs": self.attrs,
            "run_attrs": self.run_attrs,
            "unit": lambda column: self.units.get(column, ""),
            "pct": lambda x: 100.0 * x,
            "ratio": lambda a, b: a / b,
            "table": self.table,
            "figures": self.figures,
            "name": self.name,
            "stem": self.stem,
        }

    def capacity_table(self, name: str):
        from moelab_analysis import load

        if self.kind != "capacity":
            raise PaperError(f"{self.path}: capacity({name!r}) needs a capacity file, this is {self.kind!r}")
        return load.capacity_table(self.path, name)

    def table(self, columns=None) -> str:
        return markdown_table(self.rows, list(columns) if columns else self.headline, self.units)

    def figures(self, *names: str, required: bool = True) -> str:
        """Every figure of this experiment, or those whose name contains one of `names`, in order.
        A name that matches nothing is an error unless required=False."""
        chosen = [p for p in self.figure_paths if not names or any(n in p.stem for n in names)]
        if names and not chosen and required:
            raise PaperError(f"no figure of {self.stem} matches {', '.join(names)} "
                             f"(figures: {', '.join(p.name for p in self.figure_paths) or 'none'})")
        out = []
        for p in chosen:
            rel = p.relative_to(self.paper_dir) if p.is_relative_to(self.paper_dir) else p
            caption = p.stem[len(self.stem) + 1:].replace("-", " ")
            out.append(f"![{self.name}: {caption}]({rel.as_posix()})")
        return "\n\n".join(out) if out else "_(no figures)_"

    def default_text(self) -> str:
        description = self.attrs.get("experiment_description") or ""
        if not description:
            try:
                import tomllib

                description = tomllib.loads(self.attrs.get("config_toml", "")).get("experiment", {}).get(
                    "description", "")
            except Exception:  # no description is fine
                description = ""
        description = f"{description}\n\n" if description else ""
        # Sweep-wide figures only: per-run KV and queue figures belong in a written section.
        wanted = '"throughput-vs-latency", "latency-cdf", required=False' if self.kind == "simulation" else ""
        return (f"## {{{{ name }}}}\n\n{description}"
                f"Config `{self.attrs.get('config_path', '?')}`.\n\n{{{{ table() }}}}\n\n{{{{ figures({wanted}) }}}}\n")


def _figure_order(p: Path):
    order = ["throughput-vs-latency", "latency-cdf", "kv-usage", "queues", "ab-", "roofline"]
    key = next((i for i, k in enumerate(order) if k in p.name), len(order))
    return key, p.name


def fill(text: str, namespace: Dict[str, object], where: str) -> str:
    def replace(m):
        body = m.group(1).strip()
        # The format spec follows the last `|` when what follows looks like one; otherwise the
        # `|` belongs to the expression (a Markdown row built in it, a set union).
        expr, bar, spec = body.rpartition("|")
        if not bar or not FORMAT_SPEC.match(spec.strip()):
            expr, spec = body, ""
        expr, spec = expr.strip(), spec.strip()
        try:
            # The template is a file in this repository; globals so comprehensions see the names.
            value = eval(expr, {"__builtins__": {}, **namespace})
        except PaperError as e:
            raise PaperError(f"{where}: {{{{ {body} }}}}: {e}") from None
        except Exception as e:
            raise PaperError(f"{where}: {{{{ {body} }}}}: {type(e).__name__}: {e}") from None
        if isinstance(value, np.generic):
            value = value.item()
        if spec:
            return format(value, spec)
        return _format_number(value) if isinstance(value, float) else str(value)

    return PLACEHOLDER.sub(replace, text)


def provenance(sections: List[Section], paper_dir: Path, files: "DataFiles" = None) -> str:
    lines = []
    for s in sections:
        a = s.attrs
        rel = s.path.relative_to(paper_dir) if s.path.is_relative_to(paper_dir) else s.path
        lines.append(f"- `{rel.as_posix()}`: config `{a.get('config_path', '?')}`, moelab {a.get('moelab_version', '?')}, "
                     f"commit `{str(a.get('git_commit', '?'))[:12]}`, schema {a.get('schema_version', '?')}")
    for stem, a in (files.used.items() if files else []):
        if a.get("kind") == "validation":  # experiments/validation/run.sh (moelab_analysis validation run)
            lines.append(f"- `{stem}.h5`: the validation suite (`experiments/validation/run.sh`), moelab "
                         f"{a.get('moelab_version', '?')}, commit `{str(a.get('git_commit', '?'))[:12]}`, points of "
                         "`data/validation/`")
            continue
        lines.append(f"- `{stem}.h5`: written by `{a.get('produced_by', '?')}` from {a.get('inputs', '?')}")
    return "\n".join(lines)


def build(template: Path, sections_dir: Path, results: Path, figures_dir: Path, out: Path, stems: List[str]) -> str:
    paper_dir = out.parent.resolve()
    sections = [Section(stem, results.resolve(), figures_dir.resolve(), paper_dir) for stem in stems]
    files = DataFiles(results.resolve())
    experiments = Experiments()
    shared = shared_namespace(experiments, files)
    for s in sections:
        s.shared = shared
        experiments[s.stem] = Names(s.stem, s.namespace())
    parts = []
    for s in sections:
        source = sections_dir / f"{s.stem}.md"
        text = source.read_text() if source.exists() else s.default_text()
        parts.append(fill(text, s.namespace(), str(source if source.exists() else f"(generated section {s.stem})")))
    # The frame: its own placeholders first (they see every experiment), then the sections and
    # the provenance, which may list data files the placeholders read.
    frame = template.read_text().replace("{{ sections }}", "\0SECTIONS\0").replace("{{ provenance }}", "\0PROVENANCE\0")
    frame = fill(frame, shared, str(template))
    frame = frame.replace("\0SECTIONS\0", "\n\n".join(parts)).replace("\0PROVENANCE\0", provenance(sections, paper_dir, files))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(frame)
    tmp.replace(out)
    return frame


def main(argv=None) -> int:
    here = Path(__file__).resolve().parent
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("stems", nargs="+", help="experiment stems, in paper order (RESULTS/<stem>.h5)")
    p.add_argument("--template", type=Path, default=here / "paper.template.md")
    p.add_argument("--sections", type=Path, default=here / "sections")
    p.add_argument("--results", type=Path, default=here / "out")
    p.add_argument("--figures", type=Path, default=here / "out" / "figures")
    p.add_argument("-o", "--out", type=Path, default=here / "out" / "paper.md")
    args = p.parse_args(argv)
    try:
        build(args.template, args.sections, args.results, args.figures, args.out, args.stems)
    except PaperError as e:
        print(f"build_paper: error: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # moelab_analysis.MoelabFileError and friends
        if type(e).__name__ == "MoelabFileError":
            print(f"build_paper: error: {e}", file=sys.stderr)
            return 2
        raise
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
