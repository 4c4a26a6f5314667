"""NumPy's long tail of public names: every one exists in nums.numpy; types and constants are
NumPy's own; NumPy's modules and classes that take array data gather BlockArrays with a
visible GatherWarning; the support page lists every name with its status."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nums_helpers import assert_same

import nums.numpy as nps
from nums.numpy import _fallback, _registry


def test_every_public_numpy_name_exists():
    missing = [k for k in dir(np) if not k.startswith("_") and not hasattr(nps, k)]
    assert missing == []


@pytest.mark.parametrize("name", ["False_", "True_", "ScalarType", "little_endian",
                                  "sctypeDict", "typecodes", "character", "flexible", "record",
                                  "dtypes", "typing", "f2py", "core", "memmap", "recarray",
                                  "flatiter", "busdaycalendar"])
def test_names_without_array_data_are_numpys_own(name):
    assert getattr(nps, name) is getattr(np, name)
    assert _registry._status(_registry.REGISTRY[name]) == "numpy's own (no array data)"


def test_extended_precision_types_follow_the_platform():
    for name in ("float96", "float128", "complex192", "complex256"):
        assert hasattr(nps, name) == hasattr(np, name)
        if hasattr(np, name):
            assert getattr(nps, name) is getattr(np, name)


def _gather_warned(name):
    _fallback._warned.discard(name)
    return pytest.warns(nps.GatherWarning, match=name.replace(".", r"\."))


def test_masked_arrays_gather_visibly_and_match_numpy():
    a = np.arange(10.0)
    x = nps.array(a, block_shape=(3,))
    with _gather_warned("numpy.ma.masked_array"):
        m = nps.ma.masked_array(x, mask=a > 5)
    e = np.ma.masked_array(a, mask=a > 5)
    assert type(m) is type(e) and isinstance(m, nps.ma.MaskedArray)
    np.testing.assert_array_equal(m.mask, e.mask)
    assert m.sum() == e.sum()
    assert nps.ma.masked is np.ma.masked and nps.ma.MAError is np.ma.MAError
    assert nps.ma.__name__ == "nums.numpy.ma"
    assert "masked_array" in dir(nps.ma)


def test_testing_asserts_gather_visibly_and_still_fail():
    x = nps.array(np.arange(6.0), block_shape=(4,))
    with _gather_warned("numpy.testing.assert_allclose"):
        nps.testing.assert_allclose(x, np.arange(6.0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nps.GatherWarning)
        with pytest.raises(AssertionError):
            nps.testing.assert_allclose(x, np.arange(6.0) + 1)
        with pytest.raises(AssertionError):
            nps.testing.assert_array_equal(x, np.zeros(6))


def test_classes_with_array_data_gather_visibly():
    c = np.array([1.0, -2.0, 3.0])
    x = nps.array(c, block_shape=(2,))
    with _gather_warned("numpy.poly1d"):
        p = nps.poly1d(x)
    assert isinstance(p, np.poly1d) and isinstance(p, nps.poly1d)
    assert p(2.0) == np.poly1d(c)(2.0)
    assert issubclass(np.poly1d, nps.poly1d)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        with _gather_warned("numpy.matrix"):
            m = nps.matrix(nps.eye(2, block_shape=(1, 1)))
    assert type(m) is np.matrix
    np.testing.assert_array_equal(m, np.eye(2))
    assert nps.poly1d.__wrapped__ is np.poly1d  # subclass NumPy's class itself


def test_record_arrays_and_polynomials_gather_visibly():
    a, b = np.arange(3), np.arange(3.0)
    with _gather_warned("numpy.rec.fromarrays"):
        r = nps.rec.fromarrays([nps.array(a), nps.array(b)], names="a,b")
    e = np.rec.fromarrays([a, b], names="a,b")
    assert r.dtype == e.dtype and r.tolist() == e.tolist()
    x = nps.array(np.linspace(0, 1, 7), block_shape=(3,))
    with _gather_warned("numpy.polynomial.polynomial.polyval"):
        v = nps.polynomial.polynomial.polyval(x, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(v, np.polynomial.polynomial.polyval(x.get(), [1.0, 2.0, 3.0]))
    with _gather_warned("numpy.polynomial.Polynomial"):
        p = nps.polynomial.Polynomial(nps.array([1.0, 2.0]))
    assert p == np.polynomial.Polynomial([1.0, 2.0])
    # no BlockArray argument: no warning, NumPy's result
    with warnings.catch_warnings():
        warnings.simplefilter("error", nps.GatherWarning)
        assert nps.polynomial.polynomial.polyval(2.0, [1.0, 1.0]) == 3.0


def test_support_page_lists_every_name_with_a_status():
    page = nps.support_table()
    other = page.split("## other public names of numpy", 1)[1]
    rows = {line[3:].split("`", 1)[0]: line for line in other.splitlines()
            if line.startswith("| `")}
    assert set(rows) == set(_registry.public_names())
    assert "missing" not in other
    assert "numpy's own" in rows["typecodes"] and "numpy's own" in rows["dtypes"]
    for name in ("ma", "testing", "rec", "matrix", "poly1d", "polynomial"):
        assert "GatherWarning" in rows[name], name
    assert "distributed" in rows["linalg"] and "BlockArray" in rows["ndarray"]


def test_numpys_own_modules_gather_blockarrays_visibly():
    x = nps.array(np.arange(8.0), block_shape=(3,))
    with warnings.catch_warnings():
        warnings.simplefilter("error", nps.GatherWarning)
        np.testing.assert_array_equal(np.asarray(x), np.arange(8.0))  # the user's own fetch
        assert np.array(x).sum() == 28.0
    _fallback._warned.discard("numpy.ma.core.MaskedArray.__new__")
    with pytest.warns(nps.GatherWarning, match=r"numpy\.ma\.core\.MaskedArray"):
        m = np.ma.masked_array(x, mask=np.arange(8) > 5)
    assert m.sum() == 15.0
    _fallback._warned.discard("numpy.testing._private.utils.assert_allclose")
    with pytest.warns(nps.GatherWarning, match=r"numpy\.testing\..*assert_allclose"):
        np.testing.assert_allclose(x, np.arange(8.0))


def test_numpys_modules_import_under_nums_numpy():
    import nums.numpy.ma as ma
    import nums.numpy.typing as npt
    from nums.numpy.polynomial import Polynomial
    from nums.numpy.testing import assert_array_equal

    assert ma is nps.ma and npt is np.typing
    assert Polynomial.__wrapped__ is np.polynomial.Polynomial
    assert_array_equal(np.arange(3), [0, 1, 2])  # no BlockArray: NumPy's, no warning


def test_numpys_modules_keep_their_writes_into_blockarrays():
    # NumPy's module functions run on gathered copies: what they write (out=) is written back
    x = nps.array(np.arange(10.0), block_shape=(3,))
    out = nps.zeros(10, block_shape=(4,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nps.GatherWarning)
        nps.ma.add(x, 1.0, out=out)
    np.testing.assert_array_equal(out.get(), np.arange(10.0) + 1)


def test_numpy_edge_cases_of_partition_rot90_cond_and_timedeltas():
    """Calls NumPy answers and nums refused (or answered with another exception type)."""
    for block_shape in (None, (2,)):
        e = nps.asarray(np.array([]), block_shape=block_shape)
        assert_same(nps.partition(e, 0), np.partition(np.array([]), 0))  # any kth: empty
        assert_same(nps.argpartition(e, 5), np.argpartition(np.array([]), 5))
        t = np.array([1, 2, 3, 4, 5], "m8[s]")
        assert_same(nps.cumsum(nps.asarray(t, block_shape=block_shape)), np.cumsum(t))
        assert_same(np.add.accumulate(nps.asarray(t, block_shape=block_shape)),
                    np.add.accumulate(t))
    m = np.arange(6.0).reshape(2, 3)
    for k in (1.0, 2.0, 1.5, -1.0):  # NumPy's k % 4 arithmetic (1.5 turns as 3)
        assert_same(nps.rot90(nps.asarray(m, block_shape=(1, 2)), k), np.rot90(m, k))
    d = np.arange(9).reshape(3, 3).astype("m8[s]")
    assert nps.trace(nps.asarray(d, block_shape=(2, 2))).get() == np.trace(d)
    for shape in ((0, 0), (3, 0, 0)):
        with pytest.raises(np.linalg.LinAlgError, match="empty"):
            nps.linalg.cond(nps.asarray(np.zeros(shape)))


def test_fuzz_round_four_answers_as_numpy():
    """Silent differences a differential fuzz of views and edge inputs found."""
    v = np.arange(9.0)
    for x in (nps.asarray(v), nps.asarray(v, block_shape=(4,)), nps.asarray(v)[::1]):
        assert_same(nps.cov(x, rowvar=False), np.cov(v, rowvar=False))  # one variable
        assert_same(nps.corrcoef(x, rowvar=False), np.corrcoef(v, rowvar=False))
        assert_same(nps.cov(x, rowvar=False, aweights=nps.ones(9)),
                    np.cov(v, rowvar=False, aweights=np.ones(9)))
    m = np.random.default_rng(2).random((4, 6))
    assert_same(nps.cov(nps.asarray(m, block_shape=(2, 3)), rowvar=False),
                np.cov(m, rowvar=False), rtol=1e-12)
    c = np.array([1 + 2j, 3 + 4j])
    for kw in ({}, {"end_values": 5j}):
        assert_same(nps.pad(nps.asarray(c, block_shape=(1,)), 2, mode="linear_ramp", **kw),
                    np.pad(c, 2, mode="linear_ramp", **kw))
    x = nps.asarray(np.array([2.5]), block_shape=(1,))
    s = nps.squeeze(x)  # a 0-d view, as NumPy's
    x[0] = 7.0
    assert float(s) == 7.0
    s[...] = 42.0
    assert_same(x, np.array([42.0]))
    with pytest.raises(ValueError, match="Improper number of dimensions"):
        nps.linalg.norm(nps.asarray(np.arange(60.0).reshape(3, 4, 5), block_shape=(2, 2, 2)),
                        "fro")
    i = nps.asarray(np.arange(13), block_shape=(5,))
    with pytest.raises(ValueError, match="negative integer powers"):
        i ** -1  # noqa: B018  (at the call, as NumPy; not when the blocks are computed)
    with pytest.raises(ValueError, match="negative integer powers"):
        nps.power(i, nps.asarray(-np.ones(13, int), block_shape=(5,)))
    assert_same(nps.bincount(nps.asarray(np.array([], int), block_shape=(1,)),
                             weights=nps.asarray(np.array([])), minlength=2),
                np.bincount(np.array([], int), weights=np.array([]), minlength=2))


def test_average_zero_weights_of_empty_arrays_and_complex_weighted_cov():
    for a, kw in ((np.zeros((0, 0)), {"axis": 0, "weights": np.zeros(0)}),
                  (np.zeros((3, 0)), {"axis": 0, "weights": np.zeros(3)})):
        with pytest.raises(ZeroDivisionError):  # NumPy sums the 1-d weights by themselves
            nps.average(nps.asarray(a), **kw)
    c, w = np.array([1 + 1j, 2, 3j, 4, 5 - 1j]), np.array([1.5, 2, 1, 1, 1])
    assert_same(nps.cov(nps.asarray(c, block_shape=(2,)), aweights=nps.asarray(w)),
                np.cov(c, aweights=w), rtol=1e-12)


def test_nats_of_unique_0d_reductions_histogramdd_and_put_into_empty():
    """Left from the fourth fuzz round: NumPy's NaT rule of unique datetimes (its hash path
    counts NaTs as one value, with equal_nan=False too, but not with counts), ufunc.reduce
    and histogramdd of 0-d arrays, and put into an empty array."""
    d = np.array(["NaT", "2020-01-01", "NaT", "2020-01-01", "NaT"], dtype="M8[D]")
    t = d - np.datetime64("2019-01-01")
    for a in (d, t):
        for block_shape in (None, (2,)):
            x = nps.asarray(a, block_shape=block_shape)
            assert_same(nps.unique(x, equal_nan=False), np.unique(a, equal_nan=False))
            assert_same(nps.unique_values(x), np.unique_values(a))
            for got, want in zip(nps.unique(x, equal_nan=False, return_counts=True),
                                 np.unique(a, equal_nan=False, return_counts=True)):
                assert_same(got, want)
    z = np.array(3.0)
    for axis in (0, -1, None, ()):
        assert_same(nps.add.reduce(nps.asarray(z), axis=axis), np.add.reduce(z, axis=axis))
    with pytest.raises(np.exceptions.AxisError):
        nps.add.reduce(nps.asarray(z), axis=(0,))
    for got, want in zip(nps.histogramdd(nps.asarray(z))[1], np.histogramdd(z)[1]):
        assert_same(got, want)
    assert_same(nps.histogramdd(nps.asarray(z))[0], np.histogramdd(z)[0])
    for mode in ("raise", "wrap", "clip"):
        with pytest.raises(IndexError, match="empty array"):
            nps.put(nps.zeros(0), [0], [1.0], mode=mode)
    nps.put(nps.zeros(0), [], [1.0])  # nothing to write: no error, as NumPy


def test_fifth_fuzz_round_answers_as_numpy():
    """linalg.cross of operands of different ranks (a wrong shape), strings.index and rindex
    (they always raised: the dry run searched a stand-in's empty strings), full with an
    array fill (a read-only result), Python complex numbers written into real arrays by a
    mask, put, putmask and fill_diagonal (the imaginary part was dropped; NumPy raises)."""
    a, b = np.array([1.0, 2, 3]), np.arange(12.0).reshape(4, 3)
    x, y = nps.asarray(a, block_shape=(2,)), nps.asarray(b, block_shape=(2, 2))
    assert_same(nps.linalg.cross(x, y), np.linalg.cross(a, b))
    assert_same(nps.linalg.cross(y, x), np.linalg.cross(b, a))
    s = np.array(["abc", "xbzb"])
    for block_shape in (None, (1,)):
        t = nps.asarray(s, block_shape=block_shape)
        assert_same(nps.strings.index(t, "b"), np.strings.index(s, "b"))
        assert_same(nps.strings.rindex(t, "b"), np.strings.rindex(s, "b"))
        with pytest.raises(ValueError, match="substring not found"):
            nps.strings.index(t, "q")
    f = nps.full((2, 3), nps.arange(3))
    f[0, 0] = 5
    assert_same(f, np.array([[5, 1, 2], [0, 1, 2]]))
    for block_shape in (None, (2,)):
        v = nps.asarray(np.arange(5.0), block_shape=block_shape)
        for write in (lambda v: v.__setitem__(v > 2, 1 + 2j),
                      lambda v: nps.put(v, [0], 1 + 2j),
                      lambda v: nps.putmask(v, v > 2, 1 + 2j),
                      lambda v: nps.fill_diagonal(nps.zeros((2, 2)), 1 + 2j)):
            with pytest.raises(TypeError, match="complex"):
                write(v)
        assert_same(v, np.arange(5.0))


def test_fifth_fuzz_round_missing_errors_and_lexsort_of_one_array():
    """Answers where NumPy raises (nanmean into an integer dtype gave garbage), and lexsort
    of a 1-d array (NumPy's 0-d keys) that sorted it."""
    v = np.array([1.5, 2.5, np.nan])
    for block_shape in (None, (2,)):
        x = nps.asarray(v, block_shape=block_shape)
        for name in ("nanmean", "nanvar", "nanstd"):
            with pytest.raises(TypeError, match="must be inexact"):
                getattr(nps, name)(x, dtype=np.int64)
        with pytest.raises(ZeroDivisionError):
            nps.average(nps.asarray(np.zeros((3, 0)), block_shape=block_shape and (2, 1)),
                        axis=0)
        with pytest.raises(np.linalg.LinAlgError, match="square"):
            nps.linalg.matrix_rank(nps.asarray(np.arange(6.0).reshape(2, 3),
                                               block_shape=block_shape and (1, 2)),
                                   hermitian=True)
        k = np.array([9.0, 1, 5, 2])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", nps.GatherWarning)
            assert_same(nps.lexsort(nps.asarray(k, block_shape=block_shape and (3,))),
                        np.lexsort(k))
        assert_same(nps.lexsort([nps.asarray(k, block_shape=block_shape and (3,))]),
                    np.lexsort([k]))


def test_masked_arrays_are_refused_rather_than_unmasked():
    """np.mean(m) of a NumPy masked array skips its masked values; nums took the data (a
    mean of 34 instead of 1.5). A masked array with masked values is now refused."""
    m = np.ma.masked_array([1.0, 2.0, 99.0], mask=[0, 0, 1])
    for call in (lambda: nps.mean(m), lambda: nps.sum(m), lambda: nps.sqrt(m),
                 lambda: nps.asarray(m), lambda: nps.array(m), lambda: nps.add(m, 1)):
        with pytest.raises(TypeError, match="masked arrays"):
            call()
    assert_same(nps.mean(np.ma.masked_array([1.0, 2.0])), np.float64(1.5))  # nothing masked


def test_fifth_fuzz_round_numpy_2_features_and_edge_cases():
    """NumPy's answers where nums raised (0-d argsort with kind, 0-d squeeze(axis=0),
    repeat of an empty array by -1, arange(stop=), size(axis=tuple), pad with a dict,
    astype(casting='same_value')) or answered where NumPy raises (eye(k=1.0), tril of 0-d,
    arange of more than two booleans)."""
    z = np.array(3.5)
    assert_same(nps.argsort(nps.asarray(z), kind="stable"), np.argsort(z, kind="stable"))
    assert_same(nps.squeeze(nps.asarray(z), axis=0), np.squeeze(z, axis=0))
    for block_shape in (None, (2,)):
        e = nps.asarray(np.zeros(0), block_shape=block_shape)
        assert_same(nps.repeat(e, -1), np.repeat(np.zeros(0), -1))
        x = nps.asarray(np.arange(3), block_shape=block_shape)
        assert_same(nps.pad(x, {0: (1, 2)}), np.pad(np.arange(3), {0: (1, 2)}))
        f = nps.asarray(np.arange(5.0), block_shape=block_shape)
        assert_same(f.astype(int, casting="same_value"),
                    np.arange(5.0).astype(int, casting="same_value"))
        with pytest.raises(ValueError, match="same_value"):
            nps.asarray(np.array([1.0, 1.5, 2.0]), block_shape=block_shape).astype(
                int, casting="same_value").get()
    assert_same(nps.arange(stop=4), np.arange(stop=4))
    with pytest.raises(TypeError, match="stop"):
        nps.arange()
    assert nps.size(nps.ones((2, 3, 4)), axis=(0, 1)) == np.size(np.ones((2, 3, 4)),
                                                                axis=(0, 1))
    with pytest.raises(TypeError):
        nps.eye(3, k=1.0)
    with pytest.raises(TypeError):
        nps.tril(nps.asarray(z))
    with pytest.raises(TypeError, match="booleans"):
        nps.arange(0, 1, 0.25, dtype=bool, block_shape=(2,))
    assert_same(nps.arange(0, 2, dtype=bool), np.arange(0, 2, dtype=bool))


def test_submodules_of_numpys_packages_import_under_nums_numpy():
    """``from numpy.polynomial.chebyshev import chebfit`` as a nums script writes it failed
    (nums.numpy.polynomial was not a package)."""
    import importlib

    from nums.numpy.polynomial.chebyshev import chebfit

    p = importlib.import_module("nums.numpy.polynomial.polynomial")
    x = np.linspace(0, 1, 20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nps.GatherWarning)
        assert_same(chebfit(nps.asarray(x), nps.asarray(x ** 2), 2),
                    np.polynomial.chebyshev.chebfit(x, x ** 2, 2))
        assert_same(p.polyval(2.0, nps.asarray([1.0, 2.0])), np.polynomial.polynomial.polyval(
            2.0, [1.0, 2.0]))
    with pytest.raises(ImportError):
        importlib.import_module("nums.numpy.polynomial.no_such_module")


def test_trim_zeros_of_a_sequence_is_numpys_slice_of_it():
    assert nps.trim_zeros([0, 1, 2, 0]) == np.trim_zeros([0, 1, 2, 0]) == [1, 2]
    assert nps.trim_zeros((0, 1, 0), "f") == np.trim_zeros((0, 1, 0), "f")
    assert_same(nps.trim_zeros(nps.asarray(np.array([0, 1, 2, 0]))), np.array([1, 2]))
