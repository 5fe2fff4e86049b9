import numpy as np
import pytest

from moelab_analysis.figures import draw_figures
from moelab_analysis.figures.kernel_ab import median_ci95, roofline_points
from moelab_analysis import ab_summary, root_attrs
from synthetic import GPU_PEAK_BYTES_PER_S, GPU_PEAK_FLOPS_PER_S, make_simulation_file

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _assert_pngs(paths):
    for p in paths:
        assert p.suffix == ".png"
        data = p.read_bytes()
        assert data[:8] == PNG_MAGIC and len(data) > 10_000, p


def test_simulation_figures_are_written(sim_file, tmp_path):
    out = tmp_path / "figs"
    paths = draw_figures(sim_file, out)
    names = [p.name for p in paths]
    assert names == ["sweep-throughput-vs-latency.png", "sweep-latency-cdf.png"] + [
        f"sweep-{what}-run{r:04d}.png" for r in range(3) for what in ("kv-usage", "queues")]
    _assert_pngs(paths)


def test_kernel_ab_figures_are_written(ab_file, tmp_path):
    paths = draw_figures(ab_file, tmp_path / "figs", formats=("png", "pdf"))
    names = [p.name for p in paths]
    assert names == ["ab-ab-attention.png", "ab-ab-attention.pdf", "ab-ab-router.png", "ab-ab-router.pdf",
                     "ab-roofline.png", "ab-roofline.pdf"]
    _assert_pngs([p for p in paths if p.suffix == ".png"])
    assert all(p.read_bytes()[:5] == b"%PDF-" for p in paths if p.suffix == ".pdf")


def test_figures_are_deterministic(tmp_path):
    path = make_simulation_file(tmp_path / "one.h5", rates_per_s=[4.0])
    a = draw_figures(path, tmp_path / "a", formats=("png", "pdf"))
    b = draw_figures(path, tmp_path / "b", formats=("png", "pdf"))
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_roofline_points_take_gpu_peaks_and_leave_cpu_rows_without(ab_file):
    rows = roofline_points(ab_summary(ab_file), root_attrs(ab_file))
    ok = rows[rows["status"] == "ok"]
    gpu = ok[ok["backend"] == "cuda"]
    cpu = ok[ok["backend"] != "cuda"]
    assert len(gpu) == 1 and len(cpu) == 6
    np.testing.assert_allclose(gpu["peak_tflops"], GPU_PEAK_FLOPS_PER_S / 1e12, rtol=1e-12)
    np.testing.assert_allclose(gpu["peak_gbps"], GPU_PEAK_BYTES_PER_S / 1e9, rtol=1e-12)
    assert cpu["peak_tflops"].isna().all() and cpu["peak_gbps"].isna().all()
    np.testing.assert_allclose(ok["flops_per_byte"], ok["tflops"] * 1e12 / (ok["gbps"] * 1e9))


def test_roofline_peaks_fall_back_to_root_attributes(ab_file):
    summary = ab_summary(ab_file).drop(columns=["pct_peak_flops", "pct_peak_bw"])
    rows = roofline_points(summary, root_attrs(ab_file))
    gpu = rows[(rows["backend"] == "cuda") & (rows["status"] == "ok")]
    np.testing.assert_allclose(gpu["peak_tflops"], GPU_PEAK_FLOPS_PER_S / 1e12)


def test_median_ci_brackets_the_median_and_narrows_with_n():
    rng = np.random.default_rng(3)
    small = rng.normal(1.0, 0.1, 20)
    large = rng.normal(1.0, 0.1, 2000)
    m_s, lo_s, hi_s = median_ci95(small)
    m_l, lo_l, hi_l = median_ci95(large)
    assert lo_s <= m_s <= hi_s and lo_l <= m_l <= hi_l
    assert (hi_l - lo_l) < (hi_s - lo_s)
    assert np.isnan(median_ci95([1.0, 2.0, 3.0])[1])  # too few samples for a CI


def test_median_ci_covers_the_true_median_about_95_percent():
    rng = np.random.default_rng(5)
    hits = 0
    trials = 400
    for _ in range(trials):
        _, lo, hi = median_ci95(rng.exponential(1.0, 51))
        hits += lo <= np.log(2.0) <= hi
    assert 0.92 <= hits / trials <= 0.995


def test_two_axis_sweep_draws_one_line_per_outer_value(tmp_path):
    from moelab_analysis import summary
    from moelab_analysis.figures.simulation import _series

    path = make_simulation_file(tmp_path / "two.h5", rates_per_s=[2.0, 4.0, 8.0], engines=["vllm", "sglang"])
    df = summary(path)
    assert list(df.columns[2:4]) == ["engine__id", "workload__arrivals__rate_per_s"]
    groups, inner = _series(df)
    assert [(name, idx) for name, idx in groups] == [("engine=vllm", [0, 1, 2]), ("engine=sglang", [3, 4, 5])]
    assert inner == ["workload__arrivals__rate_per_s"]
    paths = draw_figures(path, tmp_path / "figs")
    _assert_pngs(paths[:1])


def test_short_labels_keep_the_meaningful_key_part():
    from moelab_analysis.figures.common import short_label

    assert short_label("workload.arrivals.rate_per_s=8") == "rate_per_s=8"
    assert short_label("engine.id=sglang,workload.arrivals.rate_per_s=8") == "engine=sglang, rate_per_s=8"
    assert short_label("", "0003") == "run 0003"
