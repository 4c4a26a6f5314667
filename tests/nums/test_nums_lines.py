"""Functions of whole lines (FFTs, ``unwrap``, ``packbits``, ``apply_along_axis``) computed
where the input's rows lie (:mod:`nums.core.array.lines`): a pending expression is
evaluated inside the transform's task, a chunk of rows at a time, and blocks that already
hold whole lines are not laid out again."""

from __future__ import annotations

import time

import numpy as np
import pytest
from nums_helpers import BACKEND_CONFIGS, BLOCK_BYTES, assert_same

import nums
import nums.numpy as nps

SIGNAL = np.sin(np.arange(6000) * 0.37) + np.cos(np.arange(6000) * 0.011)


def test_spectrogram_of_framed_signal_is_numpys(small_blocks):
    window, hop = 64, 32
    frames = np.lib.stride_tricks.sliding_window_view(SIGNAL, window)[::hop]
    expected = np.abs(np.fft.rfft(frames * np.hanning(window), axis=-1)) ** 2
    x = nps.asarray(SIGNAL)
    got_frames = nps.lib.stride_tricks.sliding_window_view(x, window)[::hop]
    got = nps.abs(nps.fft.rfft(got_frames * np.hanning(window), axis=-1)) ** 2
    assert_same(got, expected, rtol=0, atol=0)


@pytest.mark.parametrize("kind", ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"])
def test_transforms_of_expressions_along_each_axis(small_blocks, kind):
    a = np.linspace(-1.0, 2.0, 40 * 70).reshape(40, 70)
    b = np.linspace(0.5, 1.5, 70)
    fn, nfn = getattr(nps.fft, kind), getattr(np.fft, kind)
    unit = 1.0 if kind in ("rfft", "ihfft") else 1 - 2j
    for block_shape in [(8, 70), (3, 7), (40, 3)]:
        x = nps.array(a, block_shape=block_shape)
        for axis in (0, 1, -1):
            assert_same(fn((x * b + 1.0) * unit, axis=axis),
                        nfn((a * b + 1.0) * unit, axis=axis), rtol=0, atol=0)
            # of an array with blocks (no expression), with n= cutting or padding
            assert_same(fn(x, n=33, axis=axis), nfn(a, n=33, axis=axis), rtol=0, atol=0)


def test_chunks_of_rows_of_large_blocks_are_numpys(backend_name):
    """Blocks of several chunks (``CHUNK_BYTES``) each: the expression and the transform
    are computed a chunk of rows at a time."""
    nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 4 << 20, "local_bytes": 0})
    try:
        a = np.random.default_rng(0).standard_normal((3000, 600))
        w = np.hanning(600)
        x = nps.asarray(a)
        assert x.grid.grid_shape[0] > 1
        assert_same(nps.fft.rfft(x * w - 0.25, axis=1),
                    np.fft.rfft(a * w - 0.25, axis=1), rtol=0, atol=0)
        assert_same(nps.unwrap(x * 4.0, axis=1), np.unwrap(a * 4.0, axis=1), rtol=0, atol=0)
        assert_same(nps.packbits(x > 0.5, axis=1), np.packbits(a > 0.5, axis=1))
    finally:
        nums.init(**{"block_bytes": BLOCK_BYTES, **BACKEND_CONFIGS[backend_name]})


@pytest.mark.parametrize("axis", [0, 1])
def test_functions_of_lines_of_expressions(small_blocks, axis):
    a = np.linspace(-7.0, 9.0, 30 * 50).reshape(30, 50)
    x = nps.array(a, block_shape=(7, 9))
    assert_same(nps.unwrap(x * 3.0, axis=axis), np.unwrap(a * 3.0, axis=axis), rtol=0, atol=0)
    assert_same(nps.packbits(x > 0.5, axis=axis), np.packbits(a > 0.5, axis=axis))
    assert_same(nps.gradient(x * x, axis=axis), np.gradient(a * a, axis=axis), rtol=0, atol=0)
    assert_same(nps.apply_along_axis(np.max, axis, x + 1.0),
                np.apply_along_axis(np.max, axis, a + 1.0))
    assert_same(nps.apply_along_axis(np.cumsum, axis, x * 2.0),
                np.apply_along_axis(np.cumsum, axis, a * 2.0), rtol=0, atol=0)


def test_apply_along_axis_shapes_every_line_by_the_first(small_blocks):
    """Lines whose results differ in length are written as NumPy writes them: broadcast
    into the length of the whole array's first line (whatever the first line of a block or
    a chunk gives), and NumPy's error when they cannot be."""
    a = np.sin(np.arange(60 * 90).reshape(60, 90) * 0.7 + 3.5)
    short_later = lambda r: r[: 2 - int(r[1] > 0)]  # noqa: E731
    assert a[0, 1] <= 0 and (a[1:, 1] > 0).any()
    assert_same(nps.apply_along_axis(short_later, 1, nps.array(a, block_shape=(7, 9))),
                np.apply_along_axis(short_later, 1, a))
    longer_later = lambda r: r[: 1 + int(r[1] > 0)]  # noqa: E731
    with pytest.raises(ValueError):
        np.apply_along_axis(longer_later, 1, a)
    with pytest.raises(ValueError):
        nps.apply_along_axis(longer_later, 1, nps.array(a, block_shape=(7, 9))).get()


def test_expression_is_computed_inside_the_transform(backend_name):
    """``rfft(X * w + 1)`` of a matrix whose blocks hold whole rows runs one task per block
    (seen in the embedded runtime's log of tasks): no task computes the expression into the
    store first, and none lays the blocks out again."""
    import runtime

    nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 1 << 20, "local_bytes": 0})
    try:
        a = np.random.default_rng(1).standard_normal((2048, 256))
        x = nps.array(a, block_shape=(512, 256)).persist()
        w = np.hanning(256)
        before = time.time()
        y = nps.fft.rfft(x * w + 1.0, axis=-1).persist()
        if backend_name.startswith("embedded"):
            names = [e["name"] for e in runtime.task_events() if e["start"] >= before]
            assert names.count("lines") == 4
            assert set(names) == {"lines"}, names
        assert_same(y, np.fft.rfft(a * w + 1.0, axis=-1), rtol=0, atol=0)
    finally:
        nums.init(**{"block_bytes": BLOCK_BYTES, **BACKEND_CONFIGS[backend_name]})
