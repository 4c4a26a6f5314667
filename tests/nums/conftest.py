"""Run every nums test over backends with tiny blocks.

Backends: ``serial`` (1 node), ``serial3`` (3 virtual nodes), and, when ``import runtime``
works, ``embedded`` (1 node, 2 workers) and ``embedded3`` (3 nodes, 1 worker each).
``NUMS_TEST_BACKENDS`` (comma separated names) selects a subset.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from nums_helpers import BACKEND_CONFIGS as _CONFIGS
from nums_helpers import BLOCK_BYTES

import nums


def _runtime_available() -> bool:
    try:
        import runtime  # noqa: F401
    except Exception:
        return False
    return True


def _selected() -> list[str]:
    wanted = os.environ.get("NUMS_TEST_BACKENDS")
    if wanted:
        return [w.strip() for w in wanted.split(",") if w.strip()]
    return list(_CONFIGS) if _runtime_available() else ["serial", "serial3"]


@pytest.fixture(scope="session", params=_selected())
def backend_name(request):
    return request.param


@pytest.fixture(autouse=True)
def nums_session(backend_name, request):
    """(Re)start a session when the backend changes; shared across tests otherwise."""
    current = getattr(nums_session, "_current", None)
    if current != backend_name:
        nums.init(block_bytes=BLOCK_BYTES, **_CONFIGS[backend_name])
        nums_session._current = backend_name
    yield backend_name


def pytest_sessionfinish(session, exitstatus):
    nums.shutdown()


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
