"""Memory is counted once, and references held by actors keep objects alive."""

from __future__ import annotations

import gc
import os
import time

import numpy as np

import runtime as rt
from runtime import context


def meminfo(field: str, path: str = "/proc/meminfo") -> int:
    with open(path) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def settle() -> list[dict]:
    gc.collect()
    time.sleep(0.05)
    return rt.metrics()


def store_resident_bytes(node: int = 0) -> int:
    """Memory backing a node's store: the blocks of its memfd (only pages ever written)."""
    return os.fstat(context.current.stores[node].fd).st_blocks * 512


def test_put_uses_the_memory_once(one_node):
    n = 200 << 20
    x = np.ones(n // 8)
    settle()
    store0 = store_resident_bytes()
    anon0 = meminfo("RssAnon", "/proc/self/status")
    ref = rt.put(x)
    store1 = store_resident_bytes()
    anon1 = meminfo("RssAnon", "/proc/self/status")
    # the data is written once into shared memory, and not also copied in the driver
    # (a store that already had free, touched pages may grow by less than n)
    assert store1 - store0 <= 1.05 * n and store1 >= n
    assert anon1 - anon0 < 0.1 * n
    y = rt.get(ref)
    assert meminfo("RssAnon", "/proc/self/status") - anon0 < 0.1 * n  # get is zero-copy
    assert y[123] == 1.0
    del ref, y


def test_refs_held_by_an_actor(one_node):
    @rt.remote
    class Holder:
        def hold(self, refs):
            self.refs = refs  # refs inside a list stay refs

        def total(self):
            return float(rt.get(self.refs[0]).sum())

        def drop(self):
            self.refs = None

    base = settle()[0]["store_bytes"]
    h = Holder.remote()
    ref = rt.put(np.ones(500_000))
    rt.get(h.hold.remote([ref]))
    del ref
    assert settle()[0]["store_bytes"] > base  # the actor's ref keeps it
    assert rt.get(h.total.remote()) == 500_000.0
    rt.get(h.drop.remote())
    deadline = time.monotonic() + 5
    while settle()[0]["store_bytes"] != base and time.monotonic() < deadline:
        pass
    assert rt.metrics()[0]["store_bytes"] == base


_NO_GC_SCRIPT = r"""
import gc, time
gc.disable()
import nums, nums.numpy as np
import runtime as rt
nums.init(backend="embedded", num_nodes=2, workers_per_node=1,
          object_store_bytes=256 << 20, block_bytes=2 << 20)

def gc_off():
    import gc
    gc.disable()
    return gc.isenabled()

assert [rt.get(rt.remote(gc_off).options(node=i).remote()) for i in range(2)] == [False] * 2

def used():
    return sum(m["store_bytes"] for m in rt.metrics())

base = used()
X = np.random.rand(250_000, 8)
Y = np.random.rand(250_000, 8)
Z = X * Y + 1
W = np.exp(X) * (1 - X) + Z
s = float((W * W).sum())
m, v = X.mean(axis=0).get(), Z.var(axis=0).get()
G = (X.T @ (X * Y[:, :1])).get()
a = X[X[:, 0] > 0.5]
b = X[10:100_000:3] + 1
c = X[np.arange(0, 100_000, 7)]
X[5:1000] = 0
q, r = np.linalg.qr(W)
peak = used()
del X, Y, Z, W, a, b, c, q, r
deadline = time.monotonic() + 3
while used() > base and time.monotonic() < deadline:
    time.sleep(0.02)
print(base, peak, used(), flush=True)
"""


def test_store_memory_returns_without_the_garbage_collector(tmp_path):
    """With gc disabled in the driver and the workers, dropping the last reference frees the
    store: no reference cycle keeps views of blocks (and so their memory) alive."""
    import subprocess
    import sys
    script = tmp_path / "nogc.py"
    script.write_text(_NO_GC_SCRIPT)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    base, peak, after = map(int, out.stdout.split()[-3:])
    assert peak > base + (40 << 20)  # the workload did fill the store
    assert after == base, (base, peak, after)
