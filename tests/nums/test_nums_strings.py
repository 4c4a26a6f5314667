"""``nums.numpy.strings`` and ``nums.numpy.char`` against NumPy's on arrays of strings split
into tiny blocks: block by block where the result's width is known from the dtypes (no
gathering), in two passes where it depends on the data, the fallback with a GatherWarning
for the rest, NumPy's errors;
NumPy's own functions on BlockArrays reach the same code."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps
from nums.numpy import _fallback, _registry

WORDS = np.array(["  Hello ", "wOrld", "abc", "a1b2", "", "xyz  ", "Title Case", "123",
                  "ab ab ab", " q", "ÄÖü", "tab\there"])
BYTES = np.array([b"  Hello ", b"wOrld", b"abc", b"a1b2", b"", b"xyz  ", b"123", b"ab ab"])
GRID = np.array([["ab", "cd ", "e"], ["", "fgh", "Ij"]])

DISTRIBUTED = [
    ("upper", ()), ("lower", ()), ("swapcase", ()), ("capitalize", ()), ("title", ()),
    ("strip", ()), ("strip", ("a ",)), ("lstrip", ()), ("rstrip", ("z ",)),
    ("translate", ({97: "Z", 98: None},)), ("slice", (1,)), ("slice", (1, None, 2)),
    ("slice", (-3, None)), ("count", ("ab",)), ("count", ("a", 1, 5)), ("find", ("b", 1)),
    ("rfind", ("b",)), ("startswith", ("a",)), ("startswith", ("b", 1)), ("endswith", (" ",)),
    ("isalpha", ()), ("isalnum", ()), ("isdecimal", ()), ("isdigit", ()), ("islower", ()),
    ("isnumeric", ()), ("isspace", ()), ("istitle", ()), ("isupper", ()), ("str_len", ()),
    ("equal", ("abc",)), ("not_equal", ("abc",)), ("less", ("b",)), ("greater_equal", ("b",)),
]


def _no_gather():
    catcher = warnings.catch_warnings()
    catcher.__enter__()
    warnings.simplefilter("error", nps.GatherWarning)
    return catcher


@pytest.mark.parametrize("name, args", DISTRIBUTED)
def test_string_functions_of_known_width_run_block_by_block(name, args):
    catcher = _no_gather()
    try:
        check_against_numpy(lambda xp, a: getattr(xp.strings, name)(a, *args), WORDS,
                            block_shape=(5,))
        if name not in ("translate",) and not name.startswith("isnum") and not (
                name.startswith("isdec")):  # NumPy: str only
            check_against_numpy(lambda xp, a: getattr(xp.strings, name)(
                a, *[s.encode() if isinstance(s, str) else s for s in args]), BYTES,
                block_shape=(3,))
        x = nps.array(WORDS, block_shape=(5,))
        assert isinstance(getattr(nps.strings, name)(x, *args), nps.BlockArray)
    finally:
        catcher.__exit__(None, None, None)


@pytest.mark.parametrize("body", [
    lambda xp, a: xp.strings.add(a, a[::-1]),
    lambda xp, a: xp.strings.find(a, xp.asarray(["a", "b", "c"])[None, :]),
    lambda xp, a: xp.strings.count(a, "b", start=xp.asarray([0, 1, 2])),
    lambda xp, a: xp.strings.startswith(a, ["a", "f", ""]),
    lambda xp, a: xp.strings.upper(a.T),
    lambda xp, a: xp.strings.str_len(a).sum(axis=0),
    lambda xp, a: xp.strings.upper(xp.ones(a.shape)),  # TypeError: not strings
    lambda xp, a: xp.strings.find(a, 3),  # NumPy's error
    lambda xp, a: xp.strings.strip(a, 5),
])
def test_string_functions_broadcast_and_raise_as_numpy(body):
    catcher = _no_gather()
    try:
        check_against_numpy(body, GRID, block_shape=(1, 2))
    finally:
        catcher.__exit__(None, None, None)


@pytest.mark.parametrize("name, args", [
    ("center", (12,)), ("center", (4, "*")), ("center", (np.arange(12),)), ("ljust", (9,)),
    ("rjust", (9, "-")), ("zfill", (6,)), ("multiply", (3,)), ("multiply", (np.arange(12) % 4,)),
    ("replace", ("ab", "XYZ")), ("replace", ("ab", "", 1)), ("expandtabs", (2,)),
    ("encode", ()), ("index", ("",)), ("rindex", ("a", 0, 20)),
    ("index", ("b",)),  # ValueError: substring not found, raised at the call
    ("center", ("x",)),  # TypeError
    ("encode", ("ascii",)),  # UnicodeEncodeError
])
def test_string_functions_whose_width_depends_on_data_run_in_two_passes(name, args):
    catcher = _no_gather()
    try:
        check_against_numpy(lambda xp, a: getattr(xp.strings, name)(a, *args), WORDS,
                            block_shape=(5,))
    finally:
        catcher.__exit__(None, None, None)


def test_two_passes_of_bytes_and_empty_arrays():
    catcher = _no_gather()
    try:
        check_against_numpy(lambda xp, a: xp.strings.decode(a), BYTES, block_shape=(3,))
        check_against_numpy(lambda xp, a: xp.strings.center(a, 9, b"."), BYTES,
                            block_shape=(3,))
    finally:
        catcher.__exit__(None, None, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nps.GatherWarning)
        check_against_numpy(lambda xp, a: xp.strings.zfill(a[:0], 4), WORDS)


@pytest.mark.parametrize("name, args", [
    ("mod", ("x",)), ("partition", (" ",)), ("rpartition", ("b",)),
    ("slice", (np.arange(12) % 3,)),
])
def test_string_functions_through_the_fallback(name, args):
    assert name in nps.strings.fallbacks() or name == "slice"
    _fallback._warned.discard(f"numpy.strings.{name}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nps.GatherWarning)
        check_against_numpy(lambda xp, a: getattr(xp.strings, name)(a, *args), WORDS,
                            block_shape=(5,))
    assert f"numpy.strings.{name}" in _fallback._warned


def test_numpys_own_string_functions_on_blockarrays_run_nums():
    x = nps.array(WORDS, block_shape=(5,))
    catcher = _no_gather()
    try:
        got = np.strings.upper(x)
        lengths = np.strings.str_len(x)
        found = np.char.find(x, "b")
    finally:
        catcher.__exit__(None, None, None)
    assert isinstance(got, nps.BlockArray) and isinstance(lengths, nps.BlockArray)
    assert_same(got, np.strings.upper(WORDS))
    assert_same(lengths, np.strings.str_len(WORDS))
    assert_same(found, np.char.find(WORDS, "b"))


@pytest.mark.parametrize("body", [
    lambda xp, a: xp.char.equal(a, "abc  "),  # char's comparisons ignore trailing spaces
    lambda xp, a: xp.char.not_equal(a, a[::-1]),
    lambda xp, a: xp.char.less(a, "b"),
    lambda xp, a: xp.char.greater_equal(a, "b "),
    lambda xp, a: xp.char.compare_chararrays(a, a[::-1], "<", True),
    lambda xp, a: xp.char.upper(a),
    lambda xp, a: xp.char.str_len(a),
    lambda xp, a: xp.char.add(a, "!"),
    lambda xp, a: xp.char.isdigit(a),
    lambda xp, a: xp.char.center(a, 11),  # two passes
])
def test_char_block_by_block(body):
    catcher = _no_gather()
    try:
        check_against_numpy(body, WORDS, block_shape=(5,))
    finally:
        catcher.__exit__(None, None, None)


@pytest.mark.parametrize("body", [
    lambda xp, a: xp.char.multiply(a, 2),
    lambda xp, a: xp.char.partition(a, "b"),
    lambda xp, a: xp.char.join("-", a),
])
def test_char_functions_of_data_dependent_width_are_the_fallback(body):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nps.GatherWarning)
        check_against_numpy(body, WORDS, block_shape=(5,))


def test_char_split_gives_numpys_lists():
    x = nps.array(WORDS, block_shape=(5,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nps.GatherWarning)
        got = nps.char.split(x)
    assert got.dtype == object
    assert got.get().tolist() == np.char.split(WORDS).tolist()


def test_chararrays_are_numpys_made_on_the_driver_with_a_warning():
    x = nps.array(WORDS, block_shape=(5,))
    _fallback._warned.discard("numpy.char.array")
    with pytest.warns(nps.GatherWarning, match=r"numpy\.char\.array"):
        c = nps.char.array(x)
    assert type(c) is np.char.chararray and isinstance(c, nps.char.chararray)
    np.testing.assert_array_equal(c, np.char.array(WORDS))
    assert c[0] == np.char.array(WORDS)[0]  # chararray strips trailing whitespace


def test_module_names_and_statuses():
    assert set(nps.strings.__all__) | set(nps.strings.fallbacks()) == {
        n for n in _registry.public_numpy(np.strings)}
    assert set(dir(nps.char)) >= set(_registry.public_numpy(np.char))
    with pytest.raises(AttributeError):
        nps.strings.no_such_function  # noqa: B018 - the lookup is the test
    page = nps.support_table()
    for title in ("## numpy.strings", "## numpy.char"):
        assert title in page
    rows = {line.split("`")[1]: line for line in page.split("## numpy.char")[1].splitlines()
            if line.startswith("| `")}
    assert "distributed" in rows["upper"] and "fallback" in rows["multiply"]
    assert "two passes" in rows["center"] and "fallback" in rows["partition"]
    assert "chararray" in rows["array"]
    other = page.split("## other public names of numpy")[1]
    assert "| `strings` | distributed" in other and "| `char` | distributed" in other


def test_joins_into_an_unsized_text_dtype_take_numpy_size(layout):
    """``dtype="U"`` (or ``str``, ``"S"``) to concatenate and the stacking functions: NumPy
    sizes it from the inputs (a float64 is U32), never U1 (which cut every value)."""
    s, f, i = np.array(["a"]), np.array([1.5, 22.25]), np.array([123])
    for fn in (lambda xp, *a: xp.concatenate(a, dtype="U"),
               lambda xp, *a: xp.hstack(a, dtype=str),
               lambda xp, *a: xp.vstack(a, dtype="S")):
        for arrays in ((s, f), (f, i)):
            try:
                expected = fn(np, *arrays)
            except (TypeError, ValueError) as e:  # (NumPy's errors: casting, shapes)
                with pytest.raises(type(e)):
                    fn(nps, *[nps.asarray(a) for a in arrays])
                continue
            assert_same(fn(nps, *[nps.asarray(a) for a in arrays]), expected)


def test_string_dtype_zeros_are_empty_strings_and_reductions_keep_whole_strings(layout):
    sd = np.dtypes.StringDType()
    assert nps.zeros(3, dtype=sd).get().tolist() == ["", "", ""]
    assert nps.empty(2, dtype=sd).get().tolist() == ["", ""]
    t = np.array(["w5", "w9", "apple", "zebra"] * 30, dtype=sd)
    x = nps.asarray(t)
    assert str(nps.max(x).get()) == "zebra"
    assert str(nps.min(x).get()) == "apple"
    u = np.array(["bb", "a", "ccc"] * 20, dtype=sd)
    assert str(nps.add.reduce(nps.asarray(u)).get()) == np.add.reduce(u)


def test_sums_of_strings_and_objects_keep_their_order(layout):
    """A sum of strings or lists concatenates in order (not commutative): blocks' partial
    results and carries are combined in the array's order, on any number of nodes."""
    words = np.array(["bb", "a", "ccc"] * 20, dtype=object)
    lists = np.empty(60, dtype=object)
    lists[:] = [[k] for k in range(60)]
    for a in (words, lists, np.array(["bb", "a", "ccc"] * 20, dtype=np.dtypes.StringDType())):
        x = nps.asarray(a)
        assert nps.add.reduce(x).get()[()] == np.add.reduce(a)
        assert nps.sum(x).get()[()] == np.sum(a)
        if a.dtype.kind == "O":
            assert nps.cumsum(x).get().tolist() == np.cumsum(a).tolist()
            assert nps.sum(x.reshape(20, 3), axis=0).get().tolist() == np.sum(
                a.reshape(20, 3), axis=0).tolist()


def test_field_writes_check_values_and_shapes_as_numpy(layout):
    """``r[field] = v``: NumPy's conversion of ``v`` into the field's dtype (Python ints
    beyond it, NaN into integers: errors, not wrapped values) and its broadcast (a longer or
    shorter array is an error at the assignment, not cut)."""
    dt = [("name", "U3"), ("n", "i2"), ("x", "f4")]
    nested = np.dtype([("id", "i2"), ("pos", [("x", "f4"), ("y", "f4")])])
    bad = [("n", 70000, OverflowError), ("n", np.nan, ValueError),
           ("n", np.arange(61), ValueError), ("n", np.arange(59), ValueError),
           ("x", "abc", ValueError)]
    for field, value, err in bad:
        r = nps.asarray(np.zeros(60, dt))
        with pytest.raises(err):
            np.zeros(60, dt)[field] = value
        with pytest.raises(err):
            r[field] = value
        assert_same(r, np.zeros(60, dt))
    for field, value in (("n", np.arange(60) * 2), ("name", "abcdef"), ("x", 2.5)):
        a, r = np.zeros(60, dt), nps.asarray(np.zeros(60, dt))
        a[field] = value
        r[field] = nps.asarray(value) if isinstance(value, np.ndarray) else value
        assert_same(r, a)
    a, q = np.zeros(4, nested), nps.asarray(np.zeros(4, nested))
    a["pos"] = (0.5, 3)
    q["pos"] = (0.5, 3)
    assert_same(q, a)


@pytest.mark.parametrize("statement", [
    "r[1] = (5, (0.5, 3))", "r[1:3] = (5, (0.5, 3))", "r[[0, 2]] = (7, (1, 2))",
    "r[r['id'] == 0] = (9, (9, 9))", "r[:2] = [(1, (1, 1)), (2, (2, 2))]",
    "f[f['n'] == 0] = ('q', 1, 2)", "f[[1, 3]] = [('a', 1, 1), ('b', 2, 2)]",
])
def test_records_written_from_tuples(layout, statement):
    """A tuple is one record (nested tuples for nested fields), a list of them records:
    written by any kind of key, as NumPy writes them."""
    nested = np.dtype([("id", "i2"), ("pos", [("x", "f4"), ("y", "f4")])])
    flat = np.dtype([("name", "U3"), ("n", "i2"), ("x", "f4")])
    r, f = np.zeros(6, nested), np.zeros(6, flat)
    exec(statement, {"r": r, "f": f})
    rn, fn = nps.asarray(np.zeros(6, nested)), nps.asarray(np.zeros(6, flat))
    exec(statement, {"r": rn, "f": fn})
    assert rn.get().tolist() == r.tolist() and fn.get().tolist() == f.tolist()


def test_records_unpack_and_index_as_numpys(layout):
    """An element of a structured array is a record, as NumPy's np.void: it unpacks
    (``for name, age, w in people``), has a length and fields by position, and a text field
    is NumPy's str_ (``rec['name'].upper()``)."""
    a = np.array([("bob", 3, 1.5), ("al", 5, 2.5), ("cy", 7, 3.5)],
                 [("name", "U5"), ("age", "i4"), ("w", "f8")])
    x = nps.asarray(a)
    assert [(str(n), int(g)) for n, g, _ in x] == [(str(n), int(g)) for n, g, _ in a]
    assert len(x[0]) == len(a[0]) == 3
    assert x[0][1] == a[0][1] and x[-1][-1] == a[-1][-1]
    assert x[0]["name"].upper() == a[0]["name"].upper()
    assert tuple(x[1]) == tuple(a[1])
    assert float(x[0]["w"] * 2) == float(a[0]["w"] * 2)
    with pytest.raises(TypeError):
        len(nps.zeros((), dtype=a.dtype))  # (a 0-d array made as one: no length, as NumPy's)
    with pytest.raises(TypeError):
        len(np.zeros((), dtype=a.dtype))


@pytest.mark.parametrize("value", [
    np.ones((4, 2)), [1.0, 2.0], np.arange(4.0), np.arange(8.0).reshape(4, 2), 5.0,
    np.arange(2.0)[None, :], np.arange(12).reshape(4, 3), np.ones((1, 4, 2)),
    np.ones((2, 4, 2)), np.ones((4, 1)), np.array([1e40, 2]),
])
def test_subarray_fields_written_as_numpy(layout, value):
    """``P['x'] = positions`` of a field of shape (2,): NumPy's broadcasting into the
    field's shape (nums compared with the records' shape: it refused valid values and, with
    blocks of 2 records, wrote a wrong one)."""
    dt = np.dtype([("x", "f8", (2,)), ("m", "f4")])
    a, x = np.zeros(4, dtype=dt), nps.zeros(4, dtype=dt)
    try:
        a["x"] = value
    except ValueError:
        with pytest.raises(ValueError):
            x["x"] = value
        return
    x["x"] = value
    x["m"] = 3
    a["m"] = 3
    got = x.get()
    assert got.dtype == a.dtype
    assert np.array_equal(got["x"], a["x"]) and np.array_equal(got["m"], a["m"])


@pytest.mark.parametrize("statement", [
    "r[['a', 'c']] = (7, True)", "r[['c', 'a']] = 5", "r[['a', 'c']] = np.arange(6)",
    "r[['a', 'b']] = s", "r[['a', 'b']] = [(1, 2.5)] * 6", "r[['b']] = (4.5,)",
    "r[['a', 'z']] = 1", "r[['a', 'a']] = 1", "r[['a', 'b']] = (1, 2, 3)",
    "r[['a', 'b']] = np.ones(4)", "r[['a', 'b']] = one_field",
])
def test_several_fields_written_at_once(layout, statement):
    """``x[['a', 'c']] = value`` writes those fields as NumPy does (a tuple is one record of
    them, a structured array's fields go by position, a number into each field) and raises
    NumPy's errors (unknown or repeated names, other records) (nums refused every such
    write, with a misleading message)."""
    dt = np.dtype([("a", "i4"), ("b", "f8"), ("c", "?")])
    other = np.array([(3, 2.5)] * 6, dtype=[("p", "i4"), ("q", "f8")])
    one = np.ones(6, dtype=[("p", "i4")])
    a = np.arange(6 * 13, dtype=np.uint8).view(dt)
    r = nps.asarray(a)
    try:
        exec(statement, {"r": a, "np": np, "s": other, "one_field": one})
    except Exception as exc:  # noqa: BLE001 - NumPy's error is the specification
        with pytest.raises(type(exc)):
            exec(statement, {"r": r, "np": nps, "s": nps.asarray(other),
                             "one_field": nps.asarray(one)})
        assert r.get().tobytes() == np.arange(6 * 13, dtype=np.uint8).tobytes()
        return
    exec(statement, {"r": r, "np": nps, "s": nps.asarray(other), "one_field": nps.asarray(one)})
    assert r.get().tolist() == a.tolist()


def test_a_record_is_a_view_of_its_array(layout):
    """``x[i]`` of a structured array is NumPy's np.void, a view: ``x[i]['k'] = v`` writes
    ``x`` (nums raised NumPy's scalar TypeError), a field by position too, and the record
    reads what later writes of ``x`` put there."""
    dt = [("k", "i8"), ("v", "f4")]
    a, x = np.zeros(7, dt), nps.zeros(7, dtype=dt)
    for arr in (a, x):
        rec = arr[2]
        rec["k"] = 7
        arr[3][1] = 2.5
        arr[-1][-2] = 4
        later = arr[5]
        arr["k"] = np.arange(7) * 10
    assert x.get().tolist() == a.tolist()
    assert int(later["k"]) == 50 and tuple(later) == (50, 0.0)
    for key, err in ((Ellipsis, IndexError), (2, IndexError), ("z", ValueError)):
        with pytest.raises(err):
            a[0][key] = 1
        with pytest.raises(err):
            x[0][key] = 1
    with pytest.raises(TypeError):  # (a number's element is still NumPy's scalar)
        nps.arange(3)[1][...] = 5


@pytest.mark.parametrize("body", [
    lambda xp: xp.strings.strip("  hello  "),  # noqa: B005 (NumPy's strip, not str's)
    lambda xp: xp.char.strip(xp.array(" hello ")),
    lambda xp: xp.strings.rstrip(xp.array(b"data  ")), lambda xp: xp.strings.slice("abcdef", 1, 4),
    lambda xp: xp.strings.lstrip(xp.array(["  a ", " bbb"])[1]),
    lambda xp: xp.strings.strip(xp.array("--x--"), "-"),
])
def test_string_functions_of_a_0d_value_keep_its_width(layout, body):
    """``strip``/``slice`` of a scalar or 0-d array: the whole result (nums sized the result
    from NumPy's scalar of an empty stand-in, one character, and cut it to its first)."""
    expected, got = body(np), body(nps)
    assert str(got.get()[()]) == str(expected) and got.shape == ()
