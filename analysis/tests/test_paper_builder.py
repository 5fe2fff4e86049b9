"""papers/seed-check/build_paper.py: numbers come from the result files, errors name the placeholder."""
import importlib.util
from pathlib import Path

import pytest

from moelab_analysis import summary
from moelab_analysis.figures import draw_figures
from synthetic import make_simulation_file

BUILD_PAPER = Path(__file__).resolve().parents[2] / "papers" / "seed-check" / "build_paper.py"


@pytest.fixture(scope="module")
def build_paper():
    if not BUILD_PAPER.exists():
        pytest.skip("papers/seed-check/build_paper.py not present")
    spec = importlib.util.spec_from_file_location("build_paper", BUILD_PAPER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def paper_dir(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    make_simulation_file(out / "sweep.h5", rates_per_s=[2.0, 8.0])
    (tmp_path / "sections").mkdir()
    (tmp_path / "paper.template.md").write_text("# T\n\n{{ sections }}\n\n## Provenance\n\n{{ provenance }}\n")
    return tmp_path


def test_placeholders_are_filled_from_the_file(build_paper, paper_dir):
    (paper_dir / "sections" / "sweep.md").write_text(
        "peak {{ rows.output_tok_per_s.max() | .1f }} tok/s; first {{ run[0].ttft_p99_s | .3f }} "
        "{{ unit('ttft_p99_s') }}; labelled {{ label['workload.arrivals.rate_per_s=8'].finished }}; "
        "engine {{ run_attrs[1]['engine'] }}; {{ [r.run for r in run] }}\n")
    text = build_paper.build(paper_dir / "paper.template.md", paper_dir / "sections", paper_dir / "out",
                             paper_dir / "out" / "figures", paper_dir / "out" / "paper.md", ["sweep"])
    df = summary(paper_dir / "out" / "sweep.h5")
    assert f"peak {df.output_tok_per_s.max():.1f} tok/s" in text
    assert f"first {df.ttft_p99_s[0]:.3f} s" in text
    assert f"labelled {df.finished[1]};" in text
    assert "engine vllm; [0, 1]" in text
    assert "{{" not in text
    assert "- `sweep.h5`: config `experiments/synthetic.toml`, moelab 0.1.0, commit `0123456789ab`" in text
    assert (paper_dir / "out" / "paper.md").read_text() == text


def test_generated_section_has_table_and_figures(build_paper, paper_dir):
    draw_figures(paper_dir / "out" / "sweep.h5", paper_dir / "out" / "figures")
    text = build_paper.build(paper_dir / "paper.template.md", paper_dir / "sections", paper_dir / "out",
                             paper_dir / "out" / "figures", paper_dir / "out" / "paper.md", ["sweep"])
    assert "## synthetic-sweep" in text
    assert "| run | label | workload__arrivals__rate_per_s [1/s] |" in text
    assert "![synthetic-sweep: throughput vs latency](figures/sweep-throughput-vs-latency.png)" in text


def test_bad_placeholder_names_section_and_expression(build_paper, paper_dir):
    (paper_dir / "sections" / "sweep.md").write_text("{{ run[0].no_such_column }}\n")
    with pytest.raises(build_paper.PaperError, match=r"sweep.md: \{\{ run\[0\].no_such_column \}\}: no column"):
        build_paper.build(paper_dir / "paper.template.md", paper_dir / "sections", paper_dir / "out",
                          paper_dir / "out" / "figures", paper_dir / "out" / "paper.md", ["sweep"])


def test_missing_result_file_is_an_error(build_paper, paper_dir):
    with pytest.raises(build_paper.PaperError, match="absent.h5: missing"):
        build_paper.build(paper_dir / "paper.template.md", paper_dir / "sections", paper_dir / "out",
                          paper_dir / "out" / "figures", paper_dir / "out" / "paper.md", ["absent"])


def test_generated_section_quotes_the_experiment_description(build_paper, tmp_path):
    import h5py

    out = tmp_path / "out"
    out.mkdir()
    path = make_simulation_file(out / "d.h5", rates_per_s=[2.0])
    with h5py.File(path, "a") as f:
        f.attrs["experiment_description"] = "What a description says"
    (tmp_path / "t.md").write_text("{{ sections }}\n")
    text = build_paper.build(tmp_path / "t.md", tmp_path / "sections", out, out / "figures", out / "paper.md", ["d"])
    assert "What a description says" in text


def _write_arithmetic(path, rows):
    import h5py
    import numpy as np

    text = h5py.string_dtype("utf-8")
    dtype = np.dtype([("claim", text), ("quantity", text), ("value", "f8"), ("unit", text), ("formula", text)])
    with h5py.File(path, "w") as f:
        f.attrs["produced_by"] = "a test"
        f.attrs["inputs"] = "claims.toml"
        f.create_dataset("arithmetic", data=np.array(rows, dtype=dtype))


def test_frame_sees_every_experiment_and_data_files(build_paper, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    make_simulation_file(out / "e.h5", rates_per_s=[2.0, 8.0], engines=["vllm", "sglang"])
    _write_arithmetic(out / "arith.h5", [("c", "x", 2.5, "USD", "a"), ("c", "y", 4.0, "USD", "b")])
    (tmp_path / "sections").mkdir()
    (tmp_path / "t.md").write_text(
        "| row | {{ quantity('arith', 'c', 'y') / quantity('arith', 'c', 'x') | .2f }} |\n"
        "{{ paired_ratio(exp['e'].rows, 'output_tok_per_s', 'engine__id', 'sglang', 'vllm').ratio.size }} pairs\n"
        "{{ sections }}\n{{ provenance }}\n")
    (tmp_path / "sections" / "e.md").write_text(
        "{{ ' | '.join(str(r) for r in rows.run) }} / {{ '|' + str(len(rows)) | >4 }}\n")
    text = build_paper.build(tmp_path / "t.md", tmp_path / "sections", out, out / "figures", out / "paper.md", ["e"])
    df = summary(out / "e.h5")
    assert "| row | 1.60 |" in text
    assert "2 pairs" in text
    # A `|` inside the expression is part of it; a format spec after the last `|` still applies.
    assert " | ".join(str(r) for r in df.run) + " /   |4" in text
    assert "- `arith.h5`: written by `a test` from claims.toml" in text
    assert "{{" not in text


def test_value_needs_exactly_one_row(build_paper, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    _write_arithmetic(out / "arith.h5", [("c", "x", 1.0, "", ""), ("c", "x", 2.0, "", "")])
    make_simulation_file(out / "e.h5", rates_per_s=[2.0])
    (tmp_path / "sections").mkdir()
    (tmp_path / "t.md").write_text("{{ quantity('arith', 'c', 'x') }}\n{{ sections }}\n")
    with pytest.raises(build_paper.PaperError, match=r"t.md: .*2 rows match"):
        build_paper.build(tmp_path / "t.md", tmp_path / "sections", out, out / "figures", out / "paper.md", ["e"])
    (tmp_path / "t.md").write_text("{{ exp['absent'].rows }}\n{{ sections }}\n")
    with pytest.raises(build_paper.PaperError, match="no experiment 'absent'"):
        build_paper.build(tmp_path / "t.md", tmp_path / "sections", out, out / "figures", out / "paper.md", ["e"])
