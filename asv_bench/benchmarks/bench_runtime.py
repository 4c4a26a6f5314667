"""Runtime benchmarks (issue: the embedded engine), each side by side with Ray and, where it
has the same operation, Python's multiprocessing or NumPy, so that ratios come from one run.

Derived figures: tasks/s = 10,000 / time_trivial_tasks; GB/s of the cross-node copy =
0.1 / time_cross_node_copy.
"""

from __future__ import annotations

import numpy as np

from . import _engines

MB100 = 100 * 1024 * 1024 // 8  # float64 elements in 100 MiB
_engines.by_value(__name__)


def _noop(x=None):
    return x


def _first(x):
    return float(x[0])


class TrivialTasks:
    """10,000 trivial tasks submitted, then gathered."""

    params = ["nums", "ray", "multiprocessing"]
    param_names = ["engine"]
    timeout = 300
    number = 1
    repeat = (3, 5, 60.0)

    def setup(self, engine):
        self.pool = _engines.start(engine)
        if engine == "nums":
            import runtime as rt

            self.f = rt.remote(_noop)
            rt.get([self.f.remote() for _ in range(200)])
        elif engine == "ray":
            import ray

            self.f = ray.remote(_noop)
            ray.get([self.f.remote() for _ in range(200)])

    def teardown(self, engine):
        _engines.stop(engine, self.pool)

    def time_trivial_tasks(self, engine):
        if engine == "nums":
            import runtime as rt

            rt.get([self.f.remote() for _ in range(10_000)])
        elif engine == "ray":
            import ray

            ray.get([self.f.remote() for _ in range(10_000)])
        else:
            results = [self.pool.apply_async(_noop) for _ in range(10_000)]
            for r in results:
                r.get()


class RoundTrip:
    """One task submitted and waited for, one at a time."""

    params = ["nums", "ray", "multiprocessing"]
    param_names = ["engine"]
    timeout = 300

    def setup(self, engine):
        self.pool = _engines.start(engine)
        if engine == "nums":
            import runtime as rt

            f = rt.remote(_noop)
            self.call = lambda: rt.get(f.remote())
        elif engine == "ray":
            import ray

            f = ray.remote(_noop)
            self.call = lambda: ray.get(f.remote())
        else:
            self.call = lambda: self.pool.apply(_noop)
        self.call()

    def teardown(self, engine):
        _engines.stop(engine, self.pool)

    def time_sequential_task(self, engine):
        self.call()


class _Counter:
    def __init__(self):
        self.n = 0

    def inc(self):
        self.n += 1
        return self.n


class ActorCalls:
    """1,000 sequential actor method calls."""

    params = ["nums", "ray"]
    param_names = ["engine"]
    timeout = 300
    number = 1
    repeat = (3, 10, 60.0)

    def setup(self, engine):
        _engines.start(engine)
        if engine == "nums":
            import runtime as rt

            self.get = rt.get
            self.actor = rt.remote(_Counter).remote()
        else:
            import ray

            self.get = ray.get
            self.actor = ray.remote(_Counter).remote()
        self.get(self.actor.inc.remote())

    def teardown(self, engine):
        del self.actor
        _engines.stop(engine)

    def time_1000_sequential_calls(self, engine):
        for _ in range(1000):
            self.get(self.actor.inc.remote())


class PutGet100MB:
    """put and get of a 100 MiB float64 array; NumPy's copy of it as the yardstick."""

    params = ["nums", "ray", "numpy"]
    param_names = ["engine"]
    timeout = 300
    number = 1
    repeat = (5, 20, 60.0)

    def setup(self, engine):
        self.x = np.random.default_rng(0).random(MB100)
        if engine == "numpy":
            self.put, self.get = np.copy, lambda v: v
            return
        _engines.start(engine)
        if engine == "nums":
            import runtime as rt

            self.put, self.get = rt.put, rt.get
        else:
            import ray

            self.put, self.get = ray.put, ray.get
        self.ref = self.put(self.x)
        self.get(self.ref)
        # steady state: a running program's store has touched its pages already (the first
        # write into fresh shared pages costs page faults, about 110 ms per 100 MB here)
        self.put(self.x)

    def teardown(self, engine):
        self.ref = None
        if engine != "numpy":
            _engines.stop(engine)

    def time_put(self, engine):
        self.put(self.x)  # the result is dropped, so the store recycles its memory

    def time_get(self, engine):
        if engine == "numpy":
            np.copy(self.x)
        else:
            self.get(self.ref)


class CrossNodeCopy:
    """A task on node 1 reading a 100 MiB object held on node 0 (ours only: copy into node
    1's store), against numpy.copy into already-touched memory."""

    params = ["nums", "numpy"]
    param_names = ["engine"]
    timeout = 300
    number = 1
    repeat = (5, 20, 60.0)
    warmup_time = 0

    def setup(self, engine):
        self.x = np.random.default_rng(0).random(MB100)
        self.dst = np.empty_like(self.x)
        self.dst[:] = 1.0
        if engine == "nums":
            import runtime as rt

            _engines.start("nums", num_nodes=2, workers_per_node=1)
            self.task = rt.remote(_first).options(node=1)
            warm = rt.put(self.x, node=0)  # touch node 1's pages once, then free them
            rt.get(self.task.remote(warm))
            del warm
            self.ref = rt.put(self.x, node=0)  # a fresh object: node 1 has no copy yet

    def teardown(self, engine):
        if engine == "nums":
            self.ref = None
            _engines.stop("nums")

    def time_cross_node_copy(self, engine):
        if engine == "nums":
            import runtime as rt

            rt.get(self.task.remote(self.ref))
        else:
            np.copyto(self.dst, self.x)


class FirstPut100MB:
    """The first put of a session against a later one (issue: fast at every size).

    A fresh session, then the 100 MiB array is made as a script would make it (after
    ``init``), then two puts in a row, each dropped at once; each track returns
    milliseconds. The first write into fresh store pages pays the page faults unless the
    store faulted them in ahead (``runtime.init(prefault_bytes=...)``).
    """

    params = ["nums", "ray"]
    param_names = ["engine"]
    timeout = 300
    unit = "ms"

    def _puts(self, engine):
        import time

        _engines.start(engine)
        try:
            if engine == "nums":
                import runtime as rt

                put = rt.put
            else:
                import ray

                put = ray.put
            x = np.random.default_rng(0).random(MB100)
            times = []
            for _ in range(2):
                t = time.perf_counter()
                ref = put(x)
                times.append((time.perf_counter() - t) * 1e3)
                del ref
            return times
        finally:
            _engines.stop(engine)

    def track_first_put(self, engine):
        return self._puts(engine)[0]

    def track_second_put(self, engine):
        return self._puts(engine)[1]
