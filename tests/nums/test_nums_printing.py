"""Printing against NumPy: 0-d results print as the NumPy scalars NumPy returns, arrays as
``numpy.ndarray`` (``repr`` with the class name ``BlockArray`` and the block layout), under
NumPy's print options."""

from __future__ import annotations

import re

import numpy as np
import pytest

import nums.numpy as nps

# 0-d results: NumPy returns a scalar (np.float64, np.bool, np.int64, ...)
SCALARS = {
    "float sum": lambda xp: xp.arange(10.0).sum(),
    "float mean": lambda xp: xp.mean(xp.arange(7.0) / 3),
    "int sum": lambda xp: xp.arange(10).sum(),
    "int8 max": lambda xp: xp.asarray([1, -5, 7], dtype=np.int8).max(),
    "uint": lambda xp: xp.asarray([3, 4], dtype=np.uint32)[1],
    "float32": lambda xp: xp.asarray([0.1, 0.2], dtype=np.float32).sum(),
    "float16": lambda xp: xp.asarray([0.1, 0.2], dtype=np.float16).sum(),
    "bool all": lambda xp: (xp.arange(10) >= 0).all(),
    "bool any": lambda xp: (xp.arange(10) > 100).any(),
    "complex": lambda xp: xp.asarray([1 + 2j, 3 - 1j]).sum(),
    "complex64": lambda xp: xp.asarray([1 + 2j], dtype=np.complex64)[0],
    "nan": lambda xp: xp.asarray([np.nan, 1.0]).sum(),
    "-inf": lambda xp: -xp.asarray([np.inf, 1.0]).max(),
    "tiny": lambda xp: xp.asarray([1e-300, 1.0]).min(),
    "large": lambda xp: xp.asarray([1e300, 1.0]).max(),
    "datetime": lambda xp: xp.asarray(np.array(["2020-01-01", "2021-06-30"],
                                               dtype="datetime64[D]"))[1],
    "timedelta": lambda xp: xp.asarray(np.array([5, 7], dtype="timedelta64[s]")).sum(),
}


@pytest.mark.parametrize("case", sorted(SCALARS))
def test_zero_d_results_print_as_numpy_scalars(case):
    expected, got = SCALARS[case](np), SCALARS[case](nps)
    assert isinstance(got, nps.BlockArray) and got.ndim == 0
    assert repr(got) == repr(expected)
    assert str(got) == str(expected)
    assert f"{got}" == f"{expected}"
    assert "%s|%r" % (got, got) == "%s|%r" % (expected, expected)  # noqa: UP031 - % is tested
    if np.dtype(type(expected)).kind in "biuf" and np.isfinite(expected):
        for spec in (".3f", "10.2e", "g", "+.1%", ">12"):
            assert format(got, spec) == format(expected, spec), spec
        fmt = "%.2f|%d|%5.1e"  # the % operator is what is tested
        assert fmt % (got, got, got) == fmt % ((expected,) * 3)


def test_repr_of_a_reduction_is_numpys_scalar_repr():
    assert repr(nps.arange(10.0).sum()) == "np.float64(45.0)"
    assert str(nps.arange(10.0).sum()) == "45.0"
    assert f"{nps.arange(10.0).sum():.2f}" == "45.00"


@pytest.mark.parametrize("options", [{"legacy": "1.25"}, {"legacy": "1.13"},
                                     {"precision": 3}, {"floatmode": "fixed"},
                                     {"sign": "+"}])
def test_print_options_apply_to_scalars(options):
    values = np.arange(10.0) / 3
    with np.printoptions(**options):
        for reduce in (np.sum, np.max, np.mean):
            expected, got = reduce(values), reduce(nps.asarray(values))
            assert repr(got) == repr(expected) and str(got) == str(expected)


def test_legacy_repr_of_a_scalar_is_the_number():
    with np.printoptions(legacy="1.25"):
        assert repr(nps.arange(10.0).sum()) == "45.0"
        assert repr((nps.arange(3) > 1).any()) == "True"


class BlockArray(np.ndarray):
    """An ndarray subclass of the same name: NumPy's repr of it is the oracle."""


def _numpy_repr(text: str) -> str:
    """A BlockArray's repr without the block layout."""
    return re.sub(r", block_shape=\(.*\), grid_shape=\(.*\)\)$", ")", text)


ARRAYS = {
    "float": np.arange(12.0).reshape(3, 4) / 7,
    "int": np.arange(-5, 7),
    "bool": np.arange(9).reshape(3, 3) % 2 == 0,
    "float32": np.linspace(0, 1, 5, dtype=np.float32),
    "complex": np.array([1 + 2j, -3.5j]),
    "strings": np.array(["a", "bcd"]),
    "big-endian": np.arange(3.0).astype(">f8"),
    "empty": np.zeros((0,)),
    "empty 2-d": np.zeros((0, 3)),
    "summarised 1-d": np.arange(5000),
    "summarised 2-d": np.arange(3000.0).reshape(30, 100) / 7,
    "summarised, one short axis": np.arange(4000).reshape(1000, 4),
}


@pytest.mark.parametrize("case", sorted(ARRAYS))
def test_arrays_print_as_numpy(case):
    a = ARRAYS[case]
    x = nps.asarray(a)
    assert str(x) == str(a)
    r = repr(x)
    assert r.endswith(f", block_shape={x.block_shape}, grid_shape={x.grid_shape})")
    assert r.startswith("BlockArray(")
    assert _numpy_repr(r) == repr(a.view(BlockArray))


@pytest.mark.parametrize("options", [{"edgeitems": 5}, {"edgeitems": 1},
                                     {"threshold": 10}, {"linewidth": 40}])
def test_print_options_apply_to_arrays(options):
    a = np.arange(3000).reshape(60, 50)
    x = nps.asarray(a)
    with np.printoptions(**options):
        assert str(x) == str(a)
        assert _numpy_repr(repr(x)) == repr(a.view(BlockArray))


def test_format_of_an_array_takes_only_the_empty_spec():
    a = np.arange(4.0)
    x = nps.asarray(a)
    assert f"{x}" == f"{a}"
    with pytest.raises(TypeError, match="unsupported format string"):
        format(a, ">20")
    with pytest.raises(TypeError, match="unsupported format string"):
        format(x, ">20")


def test_summaries_without_edge_items_print_the_last_items_as_numpy():
    """``edgeitems=0`` prints ``...`` and each axis's last item, sized from the whole array
    (nums printed the middle item)."""
    for a in (np.arange(3000), np.arange(50).reshape(5, 10), np.arange(3000.0) ** 1.5):
        x = nps.asarray(a, block_shape=(7,) * a.ndim)
        assert nps.array2string(x, threshold=10, edgeitems=0) == np.array2string(
            a, threshold=10, edgeitems=0)
        with np.printoptions(threshold=10, edgeitems=0):
            assert str(x) == str(a)
    # a NumPy array given to nums's functions is summarised by NumPy's own options
    assert nps.array_str(np.arange(3000)) == np.array_str(np.arange(3000))
