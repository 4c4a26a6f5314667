"""A tour of the embedded runtime: tasks, a shared-memory store, actors, virtual nodes.

Run: python examples/runtime_tour.py [num_blocks]

Estimates the mean and variance of a large random array split into blocks, with one task per
block on every core, and shows the per-node figures the runtime keeps.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import runtime as rt


@rt.remote
def make_block(seed: int, n: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(n)


@rt.remote
def moments(block: np.ndarray) -> tuple[int, float, float]:
    return block.size, float(block.sum()), float((block * block).sum())


@rt.remote
class Progress:
    def __init__(self, total: int):
        self.done, self.total = 0, total

    def tick(self) -> str:
        self.done += 1
        return f"{self.done}/{self.total}"


def main(num_blocks: int = 16, block_len: int = 2_000_000) -> None:
    rt.init(num_nodes=2)
    t0 = time.perf_counter()
    progress = Progress.remote(num_blocks)
    blocks = [make_block.options(node=i % 2).remote(i, block_len) for i in range(num_blocks)]
    parts = [moments.remote(b) for b in blocks]  # runs where each block lives
    for ref in parts:
        rt.wait([ref])
        print(f"\rblocks done: {rt.get(progress.tick.remote())}", end="", flush=True)
    n, s, ss = (sum(col) for col in zip(*rt.get(parts)))
    mean = s / n
    print(
        f"\n{n:,} samples: mean {mean:+.5f}, variance {ss / n - mean * mean:.5f} "
        f"in {time.perf_counter() - t0:.2f} s"
    )
    for m in rt.metrics():
        print(
            f"node {m['node']}: {m['tasks_run']} tasks, store {m['store_bytes'] / 2**20:.0f} "
            f"MiB (peak {m['peak_store_bytes'] / 2**20:.0f} MiB), sent "
            f"{m['bytes_sent'] / 2**20:.1f} MiB, received {m['bytes_received'] / 2**20:.1f} MiB"
        )
    rt.shutdown()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 16)
