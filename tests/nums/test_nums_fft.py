"""nums.numpy.fft against numpy.fft: every function, on tiny blocks (so every transformed
axis is split and must be laid out whole first), several dtypes, axes, lengths and norms."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same

import nums.numpy as nps

NORMS = [None, "ortho", "forward"]


def _data(dtype, shape=(13, 9, 6), seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def _same(got, expected):
    assert isinstance(got, nps.BlockArray)
    g = got.get()
    assert g.shape == expected.shape and g.dtype == expected.dtype
    # the same NumPy routine on the same lines: equal, up to the last bits at most
    np.testing.assert_allclose(g, expected, rtol=1e-12 if g.dtype.itemsize >= 16 else 1e-5,
                               atol=0)


@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"])
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("n", [None, 5, 16])
@pytest.mark.parametrize("norm", NORMS)
def test_one_dimensional(name, axis, n, norm):
    dtype = "float64" if name in ("rfft", "ihfft") else "complex128"
    a = _data(dtype)
    x = nps.asarray(a, block_shape=(4, 2, 5))
    _same(getattr(nps.fft, name)(x, n=n, axis=axis, norm=norm),
          getattr(np.fft, name)(a, n=n, axis=axis, norm=norm))


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "int32", "bool"])
def test_dtypes_follow_numpy(dtype):
    a = _data("float64", (20, 7)).astype(dtype) if dtype != "complex64" else _data(dtype, (20, 7))
    x = nps.asarray(a, block_shape=(6, 3))
    for name in ("fft", "rfft", "ifft"):
        if name == "rfft" and np.dtype(dtype).kind == "c":
            continue
        _same(getattr(nps.fft, name)(x, axis=0), getattr(np.fft, name)(a, axis=0))


@pytest.mark.parametrize("name", ["fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2", "rfftn",
                                  "irfftn"])
@pytest.mark.parametrize("s_axes", [(None, None), ((8, 5), (0, 2)), ((6, -1, 4), (2, 0, 1)),
                                    (None, (1,))])
def test_n_dimensional(name, s_axes):
    s, axes = s_axes
    if name.endswith("2") and (axes is None or len(axes) != 2):
        axes = (-2, -1) if s is None else axes
        if s is not None and len(s) != 2:
            return
    dtype = "float64" if name.startswith("rfft") else "complex128"
    a = _data(dtype)
    x = nps.asarray(a, block_shape=(4, 2, 5))
    kwargs = {} if s is None else {"s": s}
    if axes is not None:
        kwargs["axes"] = axes
    _same(getattr(nps.fft, name)(x, **kwargs), getattr(np.fft, name)(a, **kwargs))


def test_round_trips_and_out():
    a = _data("float64", (30, 8))
    x = nps.asarray(a, block_shape=(7, 3))
    assert_same(nps.fft.irfftn(nps.fft.rfftn(x), s=a.shape, axes=(0, 1)),
                np.fft.irfftn(np.fft.rfftn(a), s=a.shape, axes=(0, 1)))
    with pytest.warns(DeprecationWarning) as caught:  # as NumPy: s without axes
        nps.fft.fftn(x, s=(4, 4))
    assert caught[0].filename == __file__
    out = nps.zeros((30, 8), dtype=complex)
    res = nps.fft.fft(x, axis=0, out=out)
    assert res is out
    _same(out, np.fft.fft(a, axis=0))


@pytest.mark.parametrize("n,d", [(1, 1.0), (10, 0.1), (9, 1.0), (64, 2.5)])
def test_frequencies(n, d):
    _same(nps.fft.fftfreq(n, d), np.fft.fftfreq(n, d))
    _same(nps.fft.rfftfreq(n, d), np.fft.rfftfreq(n, d))
    np.testing.assert_array_equal(nps.fft.fftfreq(n, d).get(), np.fft.fftfreq(n, d))


@pytest.mark.parametrize("axes", [None, 0, 1, (1, 0), -1])
def test_shifts(axes):
    a = np.arange(7 * 6).reshape(7, 6)
    x = nps.asarray(a, block_shape=(3, 4))
    assert_same(nps.fft.fftshift(x, axes=axes), np.fft.fftshift(a, axes=axes))
    assert_same(nps.fft.ifftshift(x, axes=axes), np.fft.ifftshift(a, axes=axes))
    back = nps.fft.ifftshift(nps.fft.fftshift(x, axes=axes), axes=axes)
    assert_same(back, a)


@pytest.mark.parametrize("call", [
    lambda m: m.fft.fft(m.zeros(0)),
    lambda m: m.fft.fft(m.ones(3), n=0),
    lambda m: m.fft.fft(m.ones(3), norm="bad"),
    lambda m: m.fft.irfft(m.ones(1)),
    lambda m: m.fft.fftn(m.ones((2, 2)), s=(3,), axes=(0, 1)),
    lambda m: m.fft.fftfreq(0),
])
def test_errors_are_numpys(call):
    with pytest.raises(Exception) as expected:
        call(np)
    with pytest.raises(type(expected.value)) as got:
        r = call(nps)
        if isinstance(r, nps.BlockArray):
            r.get()
    assert str(expected.value) == str(got.value)


@pytest.mark.parametrize("name,a,shape,dtype", [
    ("fft", np.arange(8.0), 8, float), ("rfft", np.arange(8.0), 5, float),
    ("rfft", np.arange(7.0), 4, float), ("ifft", np.arange(8.0), 8, float),
    ("irfft", np.arange(8.0), 14, int), ("ihfft", np.arange(8.0), 5, float),
    ("fft2", np.arange(24.0).reshape(4, 6), (4, 6), float),
    ("rfftn", np.arange(24.0).reshape(4, 6), (4, 4), float),
    ("irfftn", np.arange(24.0).reshape(4, 6), (4, 10), float),
    ("irfftn", np.arange(24.0).reshape(4, 6), (4, 10), int),
    ("fft", np.arange(8.0), 8, np.complex64),
])
def test_out_of_another_kind_is_numpys_casting_error(layout, name, a, shape, dtype):
    """A complex spectrum into a float ``out`` (or real values into an int one): NumPy's
    UFuncTypeError, nothing written; ``out`` arrays NumPy takes are written."""
    o, p = np.zeros(shape, dtype), nps.zeros(shape, dtype)
    try:
        expected = getattr(np.fft, name)(a, out=o)
    except TypeError as e:
        with pytest.raises(type(e), match=str(e).split("from")[0]):
            getattr(nps.fft, name)(nps.asarray(a), out=p)
        assert_same(p, np.zeros(shape, dtype))
        return
    got = getattr(nps.fft, name)(nps.asarray(a), out=p)
    assert got is p
    np.testing.assert_allclose(p.get(), expected, atol=1e-9)


@pytest.mark.parametrize("name", ["rfft", "ihfft", "fft", "irfft"])
def test_transform_of_an_empty_axis_raises_at_the_call(layout, name):
    with pytest.raises(ValueError, match="Invalid number of FFT data points"):
        getattr(np.fft, name)(np.zeros((0, 3)), axis=0)
    with pytest.raises(ValueError, match="Invalid number of FFT data points"):
        getattr(nps.fft, name)(nps.asarray(np.zeros((0, 3))), axis=0)


@pytest.mark.parametrize("out_dtype", [np.uint8, np.int64, np.float32, np.float64])
def test_hfft_into_out_checks_its_dtype(layout, out_dtype):
    """``hfft(x, out=)``: the result is real, cast into ``out`` as ``irfft``'s (NumPy 2.4's
    hfft ignores ``out``, numpy#30909); nums cast it into an integer out= unsafely, without
    an error (255 for -1)."""
    a = np.arange(5.0) + 1j
    expected = np.fft.hfft(a)
    out = nps.zeros(8, dtype=out_dtype)
    if out_dtype in (np.uint8, np.int64):
        with pytest.raises(TypeError):
            np.fft.irfft(a.conj(), out=np.zeros(8, out_dtype))
        with pytest.raises(TypeError):
            nps.fft.hfft(nps.asarray(a), out=out)
        return
    got = nps.fft.hfft(nps.asarray(a), out=out)
    assert got is out
    np.testing.assert_allclose(out.get(), expected.astype(out_dtype), rtol=1e-6)
