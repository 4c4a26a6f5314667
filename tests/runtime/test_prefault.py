"""The first pages of each store are faulted in ahead of use, in the driver and the workers."""

from __future__ import annotations

import time

import numpy as np
import pytest

import runtime as rt
from runtime import context, prefault

MiB = 1 << 20


def store_rss(pid: int | str, node: int) -> int:
    """Resident bytes of ``node``'s store mapping in process ``pid`` (from its smaps)."""
    rss, inside = 0, False
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = line.split()
            if "-" in head[0] and len(head) >= 5:  # a mapping's first line
                inside = line.rstrip().endswith(f"memfd:nums-store-node{node} (deleted)") \
                    or line.rstrip().endswith(f"/memfd:nums-store-node{node}")
            elif inside and head[0] == "Rss:":
                rss += int(head[1]) * 1024
    return rss


def wait_for(cond, timeout=30.0):
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def session():
    def start(**kw):
        if rt.is_initialized():
            rt.shutdown()
        rt.init(**kw)
        return context.current
    yield start
    rt.shutdown()


def test_default_size_is_shared_among_nodes_and_bounded_by_the_store():
    assert prefault.default_bytes(8 << 30, 1) == prefault.DEFAULT_TOTAL
    assert prefault.default_bytes(8 << 30, 4) == prefault.DEFAULT_TOTAL // 4
    assert prefault.default_bytes(64 * MiB, 1) == 16 * MiB


def test_driver_and_workers_fault_in_the_pool(session):
    drv = session(num_nodes=2, workers_per_node=1, object_store_bytes=128 * MiB,
                  prefault_bytes=24 * MiB)
    assert drv.prefault_bytes == 24 * MiB
    for node in (0, 1):
        assert drv.stores[node].prefaulter.wait(30)
        assert drv.stores[node].prefaulter.done == 24 * MiB
        assert store_rss("self", node) >= 24 * MiB
    # each worker: its own node's store, not the other one
    for n in rt.nodes():
        node = n["node"]
        for pid in n["worker_pids"]:
            assert wait_for(lambda p=pid, k=node: store_rss(p, k) >= 24 * MiB), \
                store_rss(pid, node)
            assert store_rss(pid, 1 - node) < 24 * MiB


def test_turned_off(session):
    drv = session(num_nodes=1, workers_per_node=1, object_store_bytes=64 * MiB,
                  prefault_bytes=0)
    assert drv.stores[0].prefaulter.done == 0
    time.sleep(0.5)
    assert store_rss("self", 0) < 4 * MiB
    # the store works as before
    x = np.arange(1 << 20, dtype=np.float64)
    np.testing.assert_array_equal(rt.get(rt.put(x)), x)


def test_values_already_written_are_kept_and_shutdown_stops_the_thread(session):
    drv = session(num_nodes=1, workers_per_node=1, object_store_bytes=256 * MiB,
                  prefault_bytes=64 * MiB)
    # a put racing with the thread: populating never changes what is written
    x = np.random.default_rng(0).random(4 << 20)
    ref = rt.put(x)
    np.testing.assert_array_equal(rt.get(ref), x)
    pf = drv.stores[0].prefaulter
    rt.shutdown()  # stops the thread before the map goes, even if it is still running
    assert pf._thread is None or not pf._thread.is_alive()
