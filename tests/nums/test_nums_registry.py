"""The registry: one declaration puts a function in the namespace, on BlockArray, in NumPy's
dispatch and in the generated docs page; fallbacks carry NumPy's signature and docstring."""

from __future__ import annotations

import inspect
import io
from pathlib import Path

import numpy as np

import nums.numpy as nps
from nums.numpy import _fallback, _registry

PAGE = Path(__file__).resolve().parents[2] / "docs" / "numpy_support.md"


def _rows(page: str) -> dict[tuple[str, str], str]:
    """``(section, function) -> status and family`` of the page's table rows."""
    rows, section = {}, ""
    for line in page.splitlines():
        if line.startswith("## "):
            section = line[3:]
        elif line.startswith("| `"):
            name, rest = line[3:].split("`", 1)
            rows[(section, name)] = rest
    return rows


def test_generated_docs_page_is_current():
    page, now = PAGE.read_text(), nps.support_table()
    message = "docs/numpy_support.md is stale: run python -m nums.numpy > docs/numpy_support.md"
    if f"Generated with NumPy {np.__version__} " in page:
        assert page == now, message
        return
    # another NumPy (the oldest the project allows, say) has other public names: the rows
    # of the names both versions have must still agree
    old, new = _rows(page), _rows(now)
    common = old.keys() & new.keys()
    assert len(common) > 0.8 * len(old)
    assert {k: old[k] for k in common} == {k: new[k] for k in common}, message


def test_declared_functions_are_everywhere():
    for name, entry in _registry.REGISTRY.items():
        assert getattr(nps, name) is entry.impl and name in nps.__all__
        if entry.method:
            assert callable(getattr(nps.BlockArray, name))
        if entry.numpy is not None and entry.impl is not entry.numpy and callable(
                entry.impl) and not isinstance(entry.impl, type):
            doc = entry.impl.__doc__ or ""
            # NumPy's summary, then what nums is and does differently, then NumPy's text
            lead = doc.split("\n\n")[1]
            assert lead.startswith("nums implementation of ``numpy."), name  # (or an alias's)
            assert "The rest is NumPy's documentation of ``numpy." in doc, name
            assert "\nExamples\n--------\n" not in doc, name  # NumPy's examples run NumPy


def test_numpy_dispatch_reaches_declared_functions():
    x = nps.arange(12.0).reshape(3, 4)
    assert isinstance(np.transpose(x), nps.BlockArray)
    assert isinstance(np.flip(x, 0), nps.BlockArray)
    assert type(np.linalg.norm(x)) is nps.BlockArray


def test_fallbacks_carry_numpy_signature_and_docstring():
    fallbacks = nps.fallbacks()
    # the last eight fallbacks have declarations now (with NumPy 2.4 none is left)
    former = {"asmatrix", "bmat", "einsum", "einsum_path", "insert", "nested_iters",
              "piecewise", "test"}
    assert not former & set(fallbacks), fallbacks
    assert len(fallbacks) == len(set(_registry.public_numpy()) - set(_registry.REGISTRY))
    for name in ("einsum", "insert", "piecewise", "flip", "sum"):
        assert name in _registry.REGISTRY, name
    # the fallback itself (any numpy name, and what a future NumPy adds) keeps numpy's
    # signature and docstring
    for name in ("cumsum", "fill_diagonal", "unique", "pad"):
        fn = _fallback.numpy_fallback(name)
        assert inspect.signature(fn) == inspect.signature(getattr(np, name)), name
        assert f"\n\nFallback for ``numpy.{name}``" in fn.__doc__, name
        assert "worker" in fn.__doc__
    statuses = {n: _registry._status(_registry.REGISTRY[n]) for n in
                ("einsum", "insert", "piecewise", "asmatrix", "bmat", "nested_iters", "test")}
    assert statuses["einsum"] == statuses["insert"] == statuses["piecewise"] == "distributed"
    assert statuses["asmatrix"].startswith("on the driver")
    assert statuses["nested_iters"].startswith("on the driver")
    assert "test runner" in statuses["test"]


def test_docstrings_are_numpy_style_with_the_differences():
    doc = nps.sum.__doc__
    assert doc.startswith(inspect.getdoc(np.sum).split("\n")[0])  # NumPy's summary line
    assert "A tree of per-block partial results" in doc  # nums' own note
    for section in ("Parameters", "Returns", "See Also"):
        assert f"\n{section}\n{'-' * len(section)}\n" in doc
    assert "block_shape : tuple of ints, optional" in nps.zeros.__doc__


def test_ufuncs_and_wrappers_show_numpy_signatures():
    assert inspect.signature(nps.add) == inspect.signature(np.add)
    assert inspect.signature(nps.exp) == inspect.signature(np.exp)
    rng = nps.random.default_rng(0)
    params = inspect.signature(rng.normal).parameters
    assert list(params) == ["loc", "scale", "size", "block_shape"]
    assert rng.normal.__doc__.split("\n")[0] == inspect.getdoc(
        np.random.Generator.normal).split("\n\n")[1].strip()


def test_parameters_marked_not_accepted_are_refused():
    marked = 0
    # (NumPy's documented parameters nums lacks: few are left; genfromtxt's two are the
    # ones NumPy's own docstring still lists after their removal)
    for name, call in (("genfromtxt", lambda kw: nps.genfromtxt(io.StringIO("1 2"), **kw)),):
        lines = getattr(nps, name).__doc__.splitlines()
        refused = [lines[i - 1].split(" :")[0] for i, line in enumerate(lines)
                   if "*nums*: not accepted" in line]
        for param in refused:
            marked += 1
            try:
                call({param: None})
            except TypeError as e:
                assert param in str(e), (name, param)
            else:
                raise AssertionError(f"{name} accepted {param}")
        accepted = set(inspect.signature(getattr(nps, name)).parameters)
        assert not accepted & set(refused), name
    assert marked >= 2
