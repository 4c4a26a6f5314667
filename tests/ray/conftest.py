"""Tests of the ray backend itself (the array tests also run on Ray: see tests/nums)."""

from __future__ import annotations

import pytest

pytest.importorskip("ray", reason="the ray tier needs: pip install -e '.[ray]'")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/ray/" in str(item.fspath):
            item.add_marker(pytest.mark.ray)
