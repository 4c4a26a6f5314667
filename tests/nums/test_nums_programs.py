"""The benchmark's whole programs (asv_bench/benchmarks/programs.py) give NumPy's results.

They are written the way NumPy users write them (slices assigned in a loop, boolean filters,
scalar bookkeeping between large steps), so they also check that such scripts run unchanged
on nums and agree with NumPy.
"""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pytest

import nums.numpy as nps

_PATH = pathlib.Path(__file__).parents[2] / "asv_bench" / "benchmarks" / "programs.py"
_spec = importlib.util.spec_from_file_location("nums_bench_programs", _PATH)
programs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(programs)


def _identity(a):
    return a


@pytest.mark.parametrize("name", sorted(programs.PROGRAMS))
def test_program_matches_numpy(name):
    shape = programs.sizes(0.01)[name]  # about 10 KB of inputs: a few dozen tiny blocks
    fn = programs.PROGRAMS[name]
    want = fn(np, _identity, float, *programs.make_inputs(name, shape))
    got = fn(nps, _identity, float, *[nps.array(a) for a in programs.make_inputs(name, shape)])
    assert isinstance(got, float)
    assert got == pytest.approx(want, rel=1e-9, abs=1e-12)
