"""Run every nums test over backends with tiny blocks.

Backends: ``serial`` (1 node), ``serial3`` (3 virtual nodes), ``local`` (serial with large
blocks: test arrays are driver-resident, so operations run with NumPy in the driver, see
:mod:`nums.core.array.resident`), and, when ``import runtime``
works, ``embedded`` (1 node, 2 workers) and ``embedded3`` (3 nodes, 1 worker each); when Ray
is installed, ``ray`` (a local Ray on loopback) runs the core files (``CORE_ON_RAY``).
``NUMS_TEST_BACKENDS`` (comma separated names) selects backends and then runs every test on
each, e.g. ``NUMS_TEST_BACKENDS=ray python -m pytest tests/nums`` for the whole suite on Ray.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from nums_helpers import BACKEND_CONFIGS as _CONFIGS
from nums_helpers import BLOCK_BYTES, SMALL_BLOCK_BYTES

import nums

# the files run on Ray by default (the rest with NUMS_TEST_BACKENDS=ray)
CORE_ON_RAY = {"test_nums_core.py", "test_nums_products.py", "test_nums_random.py",
               "test_nums_protocols.py", "test_nums_example.py", "test_nums_warnings.py"}


def _importable(name: str, attribute: str) -> bool:
    """Whether package ``name`` imports and has ``attribute`` (the folder tests/ray would
    otherwise pass for an installed Ray as a namespace package)."""
    try:
        module = __import__(name)
    except Exception:
        return False
    return hasattr(module, attribute)


def _selected() -> list[str]:
    wanted = os.environ.get("NUMS_TEST_BACKENDS")
    if wanted:
        return [w.strip() for w in wanted.split(",") if w.strip()]
    names = ["serial", "serial3", "local"]
    if _importable("runtime", "init"):
        names += ["embedded", "embedded3"]
    if _importable("ray", "init"):
        names.append("ray")
    return names


@pytest.fixture(scope="session", params=_selected())
def backend_name(request):
    return request.param


@pytest.fixture(autouse=True)
def nums_session(backend_name, request):
    """(Re)start a session when the backend changes; shared across tests otherwise."""
    current = getattr(nums_session, "_current", None)
    in_layout = getattr(layout, "_current", None) is not None
    if current != backend_name or (in_layout and "layout" not in request.fixturenames):
        if backend_name == "ray":
            request.getfixturevalue("local_ray")  # nums joins it and leaves it running
        nums.init(**{"block_bytes": BLOCK_BYTES, **_CONFIGS[backend_name]})
        nums_session._current = backend_name
        layout._current = None
    yield backend_name


@pytest.fixture
def small_blocks(backend_name):
    """A session of blocks of ``SMALL_BLOCK_BYTES``, every array distributed (none kept in
    the driver); the suite's own session again afterwards."""
    nums.init(**{**_CONFIGS[backend_name], "block_bytes": SMALL_BLOCK_BYTES, "local_bytes": 0})
    try:
        yield
    finally:
        nums.init(**{"block_bytes": BLOCK_BYTES, **_CONFIGS[backend_name]})


def pytest_collection_modifyitems(config, items):
    explicit = bool(os.environ.get("NUMS_TEST_BACKENDS"))
    keep, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if params.get("backend_name") == "ray":
            item.add_marker(pytest.mark.ray)
            if not explicit and item.fspath.basename not in CORE_ON_RAY:
                dropped.append(item)
                continue
        keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_sessionfinish(session, exitstatus):
    nums.shutdown()


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


# the layouts of the edge-case tests: every array split into blocks, or held in the driver
LAYOUTS = {
    "dist": {"block_bytes": BLOCK_BYTES, "local_bytes": 0},
    "driver": {"block_bytes": 2**20, "local_bytes": 2**20},
}


@pytest.fixture(params=list(LAYOUTS))
def layout(backend_name, request):
    """The session in each layout (re-initialised when the layout changes; the next test
    without this fixture gets the backend's own session back, see ``nums_session``)."""
    want = (backend_name, request.param)
    if getattr(layout, "_current", None) != want:
        nums.init(**{**_CONFIGS[backend_name], **LAYOUTS[request.param]})
        layout._current = want
    yield request.param
