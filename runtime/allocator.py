"""First-fit range allocator over one node's shared-memory segment.

First fit from the lowest address keeps reusing pages that were already touched, which is
what makes writing into the store cheaper than into freshly allocated memory.
The allocator only does bookkeeping; it never touches the memory.
"""

from __future__ import annotations

import bisect

ALIGN = 64  # bytes; cache-line alignment for every allocation and every buffer inside it


def align_up(n: int, align: int = ALIGN) -> int:
    """Round ``n`` up to a multiple of ``align``."""
    return (n + align - 1) // align * align


class Allocator:
    """Free list of ``(offset, size)`` ranges, kept sorted by offset and coalesced.

    Invariants: free ranges never overlap or touch (adjacent ones are merged); ``used`` is the
    capacity minus the sum of free sizes; every live allocation is in ``_live``.
    """

    def __init__(self, capacity: int):
        self.capacity = capacity - capacity % ALIGN
        self._starts: list[int] = [0] if self.capacity else []
        self._sizes: dict[int, int] = {0: self.capacity} if self.capacity else {}
        self._live: dict[int, int] = {}
        self.used = 0

    def alloc(self, nbytes: int) -> int | None:
        """Return the offset of a new range of at least ``nbytes``, or None if none fits."""
        size = align_up(max(nbytes, 1))
        for i, start in enumerate(self._starts):
            free = self._sizes[start]
            if free >= size:
                del self._sizes[start]
                if free == size:
                    del self._starts[i]
                else:
                    self._starts[i] = start + size
                    self._sizes[start + size] = free - size
                self._live[start] = size
                self.used += size
                return start
        return None

    def free(self, offset: int) -> None:
        """Return the range at ``offset`` to the free list, merging with its neighbours."""
        size = self._live.pop(offset)
        self.used -= size
        i = bisect.bisect_left(self._starts, offset)
        # merge with the following free range
        if i < len(self._starts) and self._starts[i] == offset + size:
            size += self._sizes.pop(self._starts[i])
            del self._starts[i]
        # merge with the preceding free range
        if i > 0:
            prev = self._starts[i - 1]
            if prev + self._sizes[prev] == offset:
                self._sizes[prev] += size
                return
        self._starts.insert(i, offset)
        self._sizes[offset] = size

    def largest_free(self) -> int:
        """Size of the largest free range."""
        return max(self._sizes.values(), default=0)
