"""Lost objects are made again from the tasks that made them (lineage): spill files that
vanish, and whole virtual nodes killed."""

from __future__ import annotations

import os

import numpy as np
import pytest

import runtime as rt
from runtime import context

MiB = 1 << 20


@rt.remote
def make(i, n):
    return np.full(n, float(i))


@rt.remote
def plus(x, k):
    return x + k


@rt.remote
def where_am_i(x):
    return context.current.node, float(x[0])


def _start(**kw):
    if rt.is_initialized():
        rt.shutdown()
    rt.init(**kw)


def _spill_files():
    d = context.current
    return {oid: e.disk for oid, e in d.table.entries.items() if e.disk is not None}


def _delete_spill_files():
    files = _spill_files()
    for path in files.values():
        os.unlink(path)
    return files


def test_vanished_spill_files_are_made_again():
    _start(num_nodes=1, workers_per_node=2, object_store_bytes=8 * MiB)
    try:
        n = 1 << 18  # 2 MiB each: eight of them spill most
        xs = [make.remote(i, n) for i in range(8)]
        ys = [plus.remote(x, 100) for x in xs]
        del xs  # the inputs are freed; their lineage stays for the ys
        rt.wait(ys, num_returns=len(ys))
        assert _delete_spill_files()
        # the driver reads them back (get), and tasks read them as arguments
        assert [float(rt.get(y)[-1]) for y in ys[:4]] == [100.0 + i for i in range(4)]
        zs = [plus.remote(y, 1) for y in ys[4:]]
        assert [float(rt.get(z)[0]) for z in zs] == [105.0 + i for i in range(4)]
    finally:
        rt.shutdown()


def test_a_lost_put_fails_with_object_lost_error():
    _start(num_nodes=1, workers_per_node=1, object_store_bytes=4 * MiB)
    try:
        refs = [rt.put(np.full(1 << 18, float(i))) for i in range(4)]  # 8 MiB: some spill
        lost = _delete_spill_files()
        assert lost
        victims = [r for r in refs if r.id in lost]
        with pytest.raises(rt.ObjectLostError, match="was put"):
            rt.get(victims[0])
        with pytest.raises(rt.ObjectLostError):
            rt.get(plus.remote(victims[0], 1))
    finally:
        rt.shutdown()


def test_no_lineage_with_depth_zero():
    _start(num_nodes=1, workers_per_node=1, object_store_bytes=4 * MiB, max_lineage_depth=0)
    try:
        ys = [make.remote(i, 1 << 18) for i in range(4)]
        rt.wait(ys, num_returns=4)
        lost = _delete_spill_files()
        victims = [y for y in ys if y.id in lost]
        with pytest.raises(rt.ObjectLostError, match="max_lineage_depth=0"):
            rt.get(victims[0])
    finally:
        rt.shutdown()


def test_kill_a_node_mid_job():
    _start(num_nodes=3, workers_per_node=1, object_store_bytes=64 * MiB)
    try:
        n = 1 << 16
        xs = [make.options(node=i % 3).remote(i, n) for i in range(9)]
        ys = [plus.options(node=i % 3).remote(x, 1000) for i, x in enumerate(xs)]
        rt.wait(ys, num_returns=len(ys))
        rt.kill_node(1)
        assert [nd["alive"] for nd in rt.nodes()] == [True, False, True]
        # everything node 1 held is made again elsewhere, from its lineage
        assert [float(rt.get(y)[0]) for y in ys] == [1000.0 + i for i in range(9)]
        # new tasks placed on node 1 run on the live nodes
        where = rt.get([where_am_i.options(node=1).remote(y) for y in ys])
        assert {w[0] for w in where} <= {0, 2}
        assert [w[1] for w in where] == [1000.0 + i for i in range(9)]
        with pytest.raises(ValueError, match="last live node"):
            rt.kill_node(0)
            rt.kill_node(2)
    finally:
        rt.shutdown()


def test_lineage_is_forgotten_with_its_objects():
    _start(num_nodes=1, workers_per_node=1, object_store_bytes=16 * MiB)
    try:
        x = make.remote(1, 1000)
        for _ in range(20):
            x = plus.remote(x, 1)
        assert float(rt.get(x)[0]) == 21.0
        d = context.current
        assert len(d.lineage) == 21  # the whole chain: its intermediates were freed
        del x
        rt.metrics()  # applies the dropped reference
        assert d.lineage == {} and d.lineage_refs == {}
    finally:
        rt.shutdown()


def test_keep_puts_serves_lost_puts_again():
    _start(num_nodes=2, workers_per_node=1, object_store_bytes=4 * MiB, keep_puts=True)
    try:
        arrays = [np.full(1 << 18, float(i)) for i in range(4)]
        refs = [rt.put(a, node=i % 2) for i, a in enumerate(arrays)]
        for a in arrays:
            a[:] = -1  # the caller changes its arrays: the kept copies do not change
        assert _delete_spill_files()
        rt.kill_node(1)
        assert [float(rt.get(r)[-1]) for r in refs] == [0.0, 1.0, 2.0, 3.0]
        assert [float(rt.get(plus.remote(r, 1))[0]) for r in refs] == [1.0, 2.0, 3.0, 4.0]
        d = context.current
        del refs
        rt.metrics()
        assert d.kept_puts == {}
    finally:
        rt.shutdown()
