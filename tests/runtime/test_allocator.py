import random

import pytest

from runtime.allocator import ALIGN, Allocator


def test_first_fit_reuses_lowest_addresses():
    a = Allocator(1 << 20)
    x = a.alloc(1000)
    y = a.alloc(1000)
    assert x == 0 and y == 1024  # aligned to 64 bytes
    a.free(x)
    assert a.alloc(500) == 0  # the freed, already touched range is reused first


def test_coalescing_and_exhaustion():
    a = Allocator(4096)
    offs = [a.alloc(1024) for _ in range(4)]
    assert a.alloc(1) is None
    for o in (offs[1], offs[3], offs[2]):
        a.free(o)
    assert a.largest_free() == 3 * 1024
    assert a.alloc(3 * 1024) == 1024
    a.free(offs[0])
    a.free(1024)
    assert a.used == 0 and a.largest_free() == 4096


@pytest.mark.parametrize("seed", range(5))
def test_random_alloc_free_never_overlaps(seed):
    rng = random.Random(seed)
    a = Allocator(1 << 16)
    live: dict[int, int] = {}
    for _ in range(2000):
        if live and rng.random() < 0.45:
            off = rng.choice(list(live))
            a.free(off)
            del live[off]
        else:
            n = rng.randint(1, 3000)
            off = a.alloc(n)
            if off is None:
                continue
            assert off % ALIGN == 0
            live[off] = n
        spans = sorted(live.items())
        for (o1, n1), (o2, _) in zip(spans, spans[1:]):
            assert o1 + n1 <= o2
    for off in list(live):
        a.free(off)
    assert a.used == 0 and a.largest_free() == a.capacity
