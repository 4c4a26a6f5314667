"""The fallback (numpy on one worker next to the data): results, writes into arguments,
views of arguments, read-only arguments, errors, the node it runs on, the warning."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums
import nums.numpy as nps
from nums.core.array.blockarray import BlockArray
from nums.numpy import _fallback


def _fb(name):
    return _fallback.numpy_fallback(name)  # also for names nums implements: the fallback path


@pytest.fixture(autouse=True)
def _quiet():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nps.GatherWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)  # numpy.matrix's
        yield


def test_results_values_and_tuples():
    a = np.arange(24.0).reshape(4, 6)
    x = nps.array(a, block_shape=(3, 4))
    assert_same(_fb("cumsum")(x, axis=1), np.cumsum(a, axis=1))
    u, c = _fb("unique")(nps.array([3, 1, 3, 2]), return_counts=True)
    assert_same(u, np.array([1, 2, 3]))
    assert_same(c, np.array([1, 1, 2]))
    assert _fb("shape")(x) == (4, 6)  # a non-array result comes back as it is
    r = _fb("sum")(x)
    assert float(np.asarray(r)) == a.sum()
    parts = _fb("split")(nps.array(np.arange(10.0)), [2, 5])
    assert isinstance(parts, list) and len(parts) == 3
    for p, e in zip(parts, np.split(np.arange(10.0), [2, 5])):
        assert_same(p, e)


def test_writes_into_arguments_reach_the_array_and_its_views():
    a = np.zeros((5, 5))
    x = nps.array(a, block_shape=(2, 3))
    top = x[:2]
    _fb("fill_diagonal")(x, 7.0)
    np.fill_diagonal(a, 7.0)
    assert_same(x, a)
    assert_same(top, a[:2])
    out = nps.zeros((5,), block_shape=(2,))
    _fb("sum")(x, axis=0, out=out)
    assert_same(out, a.sum(axis=0))
    host = np.zeros(3)  # a numpy argument numpy writes into, next to a BlockArray
    _fb("copyto")(host, nps.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(host, [1.0, 2.0, 3.0])


def test_views_of_arguments_and_read_only():
    a = np.arange(12.0).reshape(3, 4)
    x = nps.array(a, block_shape=(2, 3))
    v = _fb("flip")(x, axis=1)
    assert isinstance(v, BlockArray)
    assert_same(v, np.flip(a, axis=1))
    v[0, 0] = -5.0  # a write through the view reaches x, as in numpy
    assert x.get()[0, 3] == -5.0
    ro = nps.broadcast_to(nps.array([1.0, 2.0]), (3, 2))
    with pytest.raises(ValueError):
        _fb("fill_diagonal")(ro, 0.0)


def test_errors_are_numpys_at_the_call():
    x = nps.array(np.arange(6.0).reshape(2, 3))
    with pytest.raises(np.exceptions.AxisError):
        _fb("cumsum")(x, axis=5)
    with pytest.raises(ValueError):
        _fb("reshape")(x, (4, 4))


def test_runs_on_the_node_that_holds_most_bytes():
    a = nps.array(np.arange(40.0), block_shape=(10,))  # four blocks, cyclic over the nodes
    counts = {}
    for n in a.nodes.flat:
        counts[int(n)] = counts.get(int(n), 0) + 1
    most = max(sorted(counts), key=counts.get)
    assert_same(_fb("cumsum")(a), np.cumsum(np.arange(40.0)))
    call = _fallback._Call()
    call.template((a, [a]))
    assert call.node() == most and len(call.arrays) == 1
    # every task of a call with a scalar result (assembling the argument, numpy's call)
    # runs on that node
    before = [m["tasks_run"] for m in nums.metrics()]
    assert _fb("count_nonzero")(a) == 39
    ran = [m["tasks_run"] - b for m, b in zip(nums.metrics(), before)]
    assert ran[most] >= 1 and sum(ran) == ran[most], ran


def test_driver_only_calls():
    import io

    buf = io.BytesIO()
    x = nps.array(np.arange(4.0))
    nps.save(buf, x)  # a file object cannot travel: numpy runs on the driver
    buf.seek(0)
    np.testing.assert_array_equal(np.load(buf), np.arange(4.0))
    # a result that cannot leave a worker (nditer objects): numpy runs on the driver
    a = np.arange(6.0).reshape(2, 3)
    outer, inner = _fb("nested_iters")(nps.array(a, block_shape=(1, 2)), [[0], [1]])
    got = [[float(v) for v in inner] for _ in outer]
    assert got == [list(r) for r in a]


def test_warns_once_per_function():
    import warnings

    _fallback._warned.discard("numpy.cumsum")
    x = nps.array(np.arange(4.0), block_shape=(2,))  # distributed (small: on the driver)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", nps.GatherWarning)
        _fb("cumsum")(x)
        _fb("cumsum")(x)
    msgs = [str(w.message) for w in caught if issubclass(w.category, nps.GatherWarning)]
    assert len(msgs) == 1 and "one worker" in msgs[0]


def test_numpy_objects_on_the_driver():
    a = np.arange(6.0).reshape(2, 3)
    x = nps.array(a, block_shape=(1, 2))
    m = nps.asmatrix(x)
    assert type(m) is np.matrix
    np.testing.assert_array_equal(m, np.asmatrix(a))
    assert nps.asmatrix(x, dtype=np.float32).dtype == np.float32
    y = nps.array(np.ones((2, 2)))  # noqa: F841 (named by the string)
    b = nps.bmat([[x, nps.array(np.zeros((2, 1)))], [nps.array(np.ones((1, 3))), x[:1, :1]]])
    e = np.bmat([[a, np.zeros((2, 1))], [np.ones((1, 3)), a[:1, :1]]])
    assert type(b) is np.matrix
    np.testing.assert_array_equal(b, e)
    yy = np.ones((2, 2))  # noqa: F841 (named by the string)
    np.testing.assert_array_equal(nps.bmat("y, y; y, yy"), np.bmat("yy, yy; yy, yy"))
    outer, inner = nps.nested_iters(x, [[0], [1]])
    assert [[float(v) for v in inner] for _ in outer] == a.tolist()
    with pytest.raises(NotImplementedError):
        nps.nested_iters(x, [[0], [1]], op_flags=["readwrite"])
    assert nps.test.__doc__ and "test runner" in nps.test.__doc__


def test_ufunc_method_through_numpys_protocol_returns_its_out():
    a = np.arange(10.0)
    x = nps.array(a, block_shape=(3,))
    assert_same(np.add.reduceat(x, [0, 4, 7]), np.add.reduceat(a, [0, 4, 7]))
    out = nps.zeros((3,), block_shape=(2,))
    r = np.multiply.reduceat(x, [1, 4, 7], out=out)
    assert r is out  # numpy returns its out= argument: so does the fallback
    assert_same(out, np.multiply.reduceat(a, [1, 4, 7]))


@pytest.mark.parametrize("name", ["fftshift", "unwrap", "interp", "windows", "sturges",
                                  "auto", "piecewise"])
def test_numbers_from_nums_results_are_no_gathers(layout, name):
    """A 0-d result passed where NumPy takes a number (``period=np.ptp(p)``,
    ``axes=np.argmax(v)``, a window of ``x.min() + 2``, NumPy's histogram estimators taking
    ``x.max()``), or a driver-held array NumPy's own code converts: nothing is gathered, so
    no GatherWarning (nums warned, ran NumPy on the driver, or raised for ``axes``)."""
    p = np.linspace(0, 20, 37)
    img = np.arange(91, dtype=np.uint8).reshape(13, 7)
    bodies = {
        "fftshift": lambda xp, v: xp.fft.fftshift(xp.arange(6).reshape(2, 3),
                                                  axes=xp.argmax(xp.asarray([0, 1]))),
        "unwrap": lambda xp, v: xp.unwrap(v, period=xp.ptp(v)),
        "interp": lambda xp, v: xp.interp(v, v[:10], v[:10] ** 2, period=v[10]),
        "windows": lambda xp, v: xp.lib.stride_tricks.sliding_window_view(
            xp.asarray(img), xp.asarray(img).min() + 2, axis=0).sum(axis=-1),
        "sturges": lambda xp, v: xp.histogram_bin_edges(xp.arange(100), bins="sturges"),
        "auto": lambda xp, v: xp.histogram(xp.arange(100), bins="auto")[0],
        "piecewise": lambda xp, v: xp.piecewise(v, [v > 2], [lambda t: xp.sqrt(t), 0]),
    }
    # (in the piecewise of a distributed array, ``xp.sqrt`` of NumPy's array is a
    # distributed array, which NumPy's piecewise gathers: a real gather, which may warn)
    gathers = name == "piecewise" and layout == "dist"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore" if gathers else "error", nps.GatherWarning)
        check_against_numpy(bodies[name], p, rtol=1e-12)
