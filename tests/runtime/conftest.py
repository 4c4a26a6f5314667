"""Fixtures starting a real runtime (worker processes, shared-memory stores)."""

from __future__ import annotations

import pytest

import runtime as rt


def start(**kwargs):
    if rt.is_initialized():
        rt.shutdown()
    rt.init(**kwargs)


@pytest.fixture(scope="module")
def one_node():
    start(num_nodes=1, workers_per_node=2, object_store_bytes=256 << 20)
    yield rt
    rt.shutdown()


@pytest.fixture(scope="module")
def three_nodes():
    start(num_nodes=3, workers_per_node=1, object_store_bytes=128 << 20)
    yield rt
    rt.shutdown()
