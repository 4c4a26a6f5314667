"""The logistic regression example runs end to end and fits the data."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("backend_name", ["serial"], indirect=False)
def test_logistic_regression_example(backend_name):
    env = dict(os.environ, NUMS_BACKEND="serial", NUMS_BLOCK_BYTES="20000", PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "logistic_regression.py"), "3000", "4", "8"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout
    assert "iter   1" in out
    assert re.search(r"^converged after \d+ iteration", out, re.M)
    accuracy = float(re.search(r"accuracy: ([0-9.]+)", out).group(1))
    assert accuracy > 0.8
    assert "fit time" in out


@pytest.mark.parametrize("backend_name", ["serial"], indirect=False)
def test_qr_example(backend_name):
    env = dict(os.environ, NUMS_BACKEND="serial", NUMS_NUM_NODES="3", NUMS_BLOCK_BYTES="20000",
               PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "qr.py"), "5000", "6", "--compare"],
        capture_output=True, text=True, env=env, timeout=120, check=True,
    ).stdout
    nums_line, numpy_line = [line for line in out.splitlines() if " qr" in line]
    for line in (nums_line, numpy_line):
        residual = float(re.search(r"\|\|QR - X\|\|/\|\|X\|\| = ([0-9.e+-]+)", line).group(1))
        orthogonality = float(re.search(r"\|\|Q\^T Q - I\|\| = ([0-9.e+-]+)", line).group(1))
        assert residual < 1e-13 and orthogonality < 1e-13


@pytest.mark.parametrize("backend_name", ["serial"], indirect=False)
def test_glm_example(backend_name):
    pytest.importorskip("sklearn")
    env = dict(os.environ, NUMS_BACKEND="serial", NUMS_BLOCK_BYTES="20000", PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "glm.py"), "4000", "4"],
        capture_output=True, text=True, env=env, timeout=300, check=True,
    ).stdout
    diffs = [float(d) for d in re.findall(r"max \|coef difference\| = ([0-9.e+-]+)", out)]
    assert len(diffs) == 7 and max(diffs) < 1e-3, out


@pytest.mark.parametrize("backend_name", ["serial"], indirect=False)
def test_csv_to_model_example(backend_name, tmp_path):
    env = dict(os.environ, NUMS_BACKEND="serial", NUMS_BLOCK_BYTES="2000000",
               PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "csv_to_model.py"), "1",
         str(tmp_path / "d.csv")],
        capture_output=True, text=True, env=env, timeout=300, check=True,
    ).stdout
    assert re.search(r"read_csv: 200000 rows x 17 columns", out), out
    assert "converged after" in out
    assert float(re.search(r"accuracy: ([0-9.]+)", out).group(1)) > 0.9
