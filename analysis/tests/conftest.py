import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for `synthetic`

from synthetic import make_kernel_ab_file, make_simulation_file  # noqa: E402


@pytest.fixture
def sim_file(tmp_path):
    return make_simulation_file(tmp_path / "sweep.h5")


@pytest.fixture
def ab_file(tmp_path):
    return make_kernel_ab_file(tmp_path / "ab.h5")
