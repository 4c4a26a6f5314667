"""ClusterState: the planner's model of memory held and bytes moved on every node.

The state is what the tree search (:mod:`nums.core.graph.search`) scores. It follows the
embedded runtime's accounting (docs/runtime.md, "Metrics"):

- a block is created on one node, its *home*; a task on another node that reads it copies it
  there first, and the copy stays on that node (a *replica*) until the block is freed;
- a copy is counted once: ``bytes_sent`` on the source (always the home, as the runtime reads
  from the home replica when it is ready) and ``bytes_received`` on the destination;
- memory held by a node is the bytes of all blocks and replicas resident on it.

Mutable state and invariants (per block id ``b`` and node ``n``):

- ``loc[b]``: bit mask of the nodes holding ``b``; bit ``home[b]`` is always set;
- ``memory[n]`` = sum of ``size[b]`` over live blocks with bit ``n`` set in ``loc[b]``;
- ``peak[n]`` = the highest ``memory[n]`` so far (monotone);
- ``received[n]``, ``sent[n]``: bytes copied into / out of ``n`` so far (monotone);
- ``uses[b]``: steps still to read ``b``; when it reaches 0 and ``b`` is not persistent
  (leaves and outputs are), ``b`` is freed on every node holding it (the model's release at
  last use).

The objective is ``f = max(peak) + max(received) + max(sent)``. All three terms only grow, so
their maxima are cached and scoring a candidate placement costs O(inputs), independent of
the number of nodes and blocks. :meth:`copy` costs O(live blocks + nodes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


class ClusterState:
    """Per-node memory and transfer counters plus the location of every live block.

    Parameters
    ----------
    num_nodes : int
        Number of nodes of the cluster (nodes are ``0 .. num_nodes - 1``).
    """

    __slots__ = (
        "num_nodes", "memory", "peak", "received", "sent", "loc", "home", "size", "uses",
        "persistent", "_max_peak", "_max_in", "_max_out",
    )

    def __init__(self, num_nodes: int):
        if num_nodes < 1:
            raise ValueError(f"num_nodes must be at least 1, got {num_nodes}")
        self.num_nodes = num_nodes
        self.memory = [0] * num_nodes
        self.peak = [0] * num_nodes
        self.received = [0] * num_nodes
        self.sent = [0] * num_nodes
        self.loc: dict[int, int] = {}
        self.home: dict[int, int] = {}
        self.size: dict[int, int] = {}
        self.uses: dict[int, int] = {}
        self.persistent: set[int] = set()
        self._max_peak = 0
        self._max_in = 0
        self._max_out = 0

    # ------------------------------------------------------------------ inspection
    def objective(self) -> int:
        """``max(peak memory) + max(bytes received) + max(bytes sent)`` over nodes."""
        return self._max_peak + self._max_in + self._max_out

    def nodes_of(self, block: int) -> list[int]:
        """The nodes holding ``block`` (home first)."""
        mask = self.loc[block]
        home = self.home[block]
        return [home] + [n for n in range(self.num_nodes) if mask >> n & 1 and n != home]

    def holds(self, block: int, node: int) -> bool:
        return bool(self.loc[block] >> node & 1)

    def __contains__(self, block: int) -> bool:
        return block in self.loc

    def bytes_moved(self) -> int:
        """Total bytes copied between nodes so far."""
        return sum(self.sent)

    def copy(self) -> ClusterState:
        """An independent copy (the persistent set is shared: it is never mutated after setup)."""
        new = ClusterState.__new__(ClusterState)
        new.num_nodes = self.num_nodes
        new.memory = self.memory[:]
        new.peak = self.peak[:]
        new.received = self.received[:]
        new.sent = self.sent[:]
        new.loc = self.loc.copy()
        new.home = self.home.copy()
        new.size = self.size.copy()
        new.uses = self.uses.copy()
        new.persistent = self.persistent
        new._max_peak = self._max_peak
        new._max_in = self._max_in
        new._max_out = self._max_out
        return new

    # ------------------------------------------------------------------ updates
    def add_block(
        self, block: int, nbytes: int, node: int, uses: int, persistent: bool = False
    ) -> None:
        """Register an existing block (a leaf) of ``nbytes`` held on ``node``."""
        if block in self.loc:
            raise ValueError(f"block {block} is already in the state")
        self.loc[block] = 1 << node
        self.home[block] = node
        self.size[block] = nbytes
        self.uses[block] = uses
        if persistent:
            self.persistent.add(block)
        self._grow(node, nbytes)

    def add_replica(self, block: int, node: int) -> None:
        """Record that ``block`` already has a copy on ``node`` (no transfer counted)."""
        if not self.loc[block] >> node & 1:
            self.loc[block] |= 1 << node
            self._grow(node, self.size[block])

    def _grow(self, node: int, nbytes: int) -> None:
        m = self.memory[node] + nbytes
        self.memory[node] = m
        if m > self.peak[node]:
            self.peak[node] = m
            if m > self._max_peak:
                self._max_peak = m

    def score(
        self, inputs: Sequence[int], nbytes: int, node: int, dest: int = -1
    ) -> tuple[int, int, int]:
        """Objective after running a task on ``node`` reading ``inputs`` and writing ``nbytes``.

        ``inputs`` are distinct live block ids. With ``dest`` set (a node other than
        ``node``), the score also counts the later copy of the output to ``dest`` (a one-step
        look-ahead for a partial result that will be combined there). Nothing is changed.
        Returns ``(f, bytes copied, memory of node after the task)``.
        """
        bit = 1 << node
        copied = 0
        max_out = self._max_out
        loc = self.loc
        for b in inputs:
            if not loc[b] & bit:
                s = self.size[b]
                copied += s
                out = self.sent[self.home[b]] + s
                if out > max_out:
                    max_out = out
        mem = self.memory[node] + copied + nbytes
        peak = mem if mem > self._max_peak else self._max_peak
        net_in = self.received[node] + copied
        if net_in < self._max_in:
            net_in = self._max_in
        if 0 <= dest != node:
            copied += nbytes
            out = self.sent[node] + nbytes
            if out > max_out:
                max_out = out
            later = self.received[dest] + nbytes
            if later > net_in:
                net_in = later
            later = self.memory[dest] + nbytes
            if later > peak:
                peak = later
        return peak + net_in + max_out, copied, mem

    def place(
        self,
        inputs: Iterable[int],
        out: int,
        nbytes: int,
        node: int,
        uses: int,
        persistent: bool = False,
    ) -> int:
        """Run a task on ``node``: copy missing inputs there, add the output, release inputs.

        ``inputs`` are distinct live block ids.
        Inputs whose remaining uses drop to zero (and are not persistent) are freed on every
        node holding them, after the output was counted (the task holds both). Returns the
        bytes copied.
        """
        bit = 1 << node
        copied = 0
        distinct = inputs if isinstance(inputs, tuple) else tuple(inputs)
        for b in distinct:
            mask = self.loc[b]
            if not mask & bit:
                s = self.size[b]
                copied += s
                src = self.home[b]
                self.loc[b] = mask | bit
                self.sent[src] += s
                if self.sent[src] > self._max_out:
                    self._max_out = self.sent[src]
                self.received[node] += s
                if self.received[node] > self._max_in:
                    self._max_in = self.received[node]
        self._grow(node, copied + nbytes)
        if out in self.loc:
            raise ValueError(f"block {out} is already in the state")
        self.loc[out] = bit
        self.home[out] = node
        self.size[out] = nbytes
        self.uses[out] = uses
        if persistent:
            self.persistent.add(out)
        for b in distinct:
            self.uses[b] -= 1
            if self.uses[b] <= 0 and b not in self.persistent:
                self.release(b)
        if uses <= 0 and not persistent:
            self.release(out)
        return copied

    def release(self, block: int) -> None:
        """Free ``block`` on every node holding it."""
        mask = self.loc.pop(block)
        s = self.size.pop(block)
        del self.home[block]
        self.uses.pop(block, None)
        n = 0
        while mask:
            if mask & 1:
                self.memory[n] -= s
            mask >>= 1
            n += 1

    def summary(self) -> dict[str, list[int]]:
        """Per-node figures: ``memory``, ``peak``, ``received`` and ``sent`` (copies)."""
        return {
            "memory": self.memory[:],
            "peak": self.peak[:],
            "received": self.received[:],
            "sent": self.sent[:],
        }

