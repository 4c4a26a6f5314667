"""Object, task and actor ids: plain ints, unique across the processes of one driver.

The driver's ids have prefix 0; a worker with uid ``u`` makes ids ``(u << 40) | n``, so that it
can name the results of tasks it submits without asking the driver. Counters are module-level
so that ids from an earlier ``init`` in the same process are never reused.
"""

from __future__ import annotations

import itertools

_counter = itertools.count(1)
_prefix = 0


def set_prefix(uid: int) -> None:
    global _prefix
    _prefix = uid << 40


def new_id() -> int:
    return _prefix | next(_counter)
