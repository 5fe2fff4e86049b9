"""Capacity files: the four economics figures, colours per system, the Pareto front, bad options."""
import pytest

from moelab_analysis import capacity_table, MoelabFileError
from moelab_analysis.figures import draw_figures
from moelab_analysis.figures.capacity import categorical_colors, pareto_front, system_labels
from moelab_analysis.cli import main
from synthetic import make_capacity_file

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def cap_file(tmp_path):
    return make_capacity_file(tmp_path / "cap.h5", runs=3)


def test_capacity_figures_are_written(cap_file, tmp_path):
    paths = draw_figures(cap_file, tmp_path / "figs")
    assert [p.name for p in paths] == ["cap-cost-vs-load.png", "cap-cost-vs-volume.png", "cap-cost-breakdown.png",
                                       "cap-cost-vs-quality.png"]
    for p in paths:
        data = p.read_bytes()
        assert data[:8] == PNG_MAGIC and len(data) > 10_000, p


def test_capacity_figures_are_deterministic(cap_file, tmp_path):
    a = draw_figures(cap_file, tmp_path / "a")
    b = draw_figures(cap_file, tmp_path / "b")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_colour_by_a_swept_key_groups_systems(cap_file):
    capacity = capacity_table(cap_file, "capacity")
    default = system_labels(capacity, None)
    assert len(set(default)) == 3  # model x hardware differ: three systems
    by_hw = system_labels(capacity, "hardware__id")
    assert list(by_hw) == ["hardware=h200", "hardware=h200", "hardware=b200"]
    with pytest.raises(MoelabFileError, match="--color-by: no column 'nonsense'"):
        system_labels(capacity, "nonsense")
    # categorical, not a gradient: the first ten colours are tab10's, all distinct
    assert len(set(categorical_colors(10))) == 10


def test_pareto_front_keeps_only_undominated_points():
    points = [(90.0, 5.0), (80.0, 0.2), (75.0, 1.0), (60.0, 0.1), (91.0, 6.0), (85.0, 0.2)]
    # (75, 1.0) is beaten by (80, 0.2); (80, 0.2) by (85, 0.2) (same cost, higher score)
    assert pareto_front(points) == [(60.0, 0.1), (85.0, 0.2), (90.0, 5.0), (91.0, 6.0)]


def test_cli_figures_options(cap_file, tmp_path, capsys):
    assert main(["figures", str(cap_file), "-o", str(tmp_path / "f"), "--color-by", "hardware__id",
                 "--benchmark", "MMLU"]) == 0
    assert "cap-cost-vs-quality.png" in capsys.readouterr().out
    assert main(["figures", str(cap_file), "-o", str(tmp_path / "g"), "--benchmark", "HLE"]) == 2
    assert "--benchmark: 'HLE' not in /quality" in capsys.readouterr().err
    assert not (tmp_path / "g").exists() or not any((tmp_path / "g").iterdir())  # nothing drawn
    assert main(["summary", str(cap_file)]) == 0
    assert "capacity" in capsys.readouterr().out
