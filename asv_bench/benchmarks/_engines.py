"""Starting and stopping the engines compared side by side (ours, Ray, multiprocessing)."""

from __future__ import annotations

import multiprocessing
import sys


def have(module: str) -> bool:
    """Whether ``module`` can be imported (optional engines and tools)."""
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def by_value(module_name: str) -> None:
    """Ship a benchmark module's functions by value: workers cannot import asv's copy."""
    import sys

    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[module_name])
    if have("ray"):
        import ray.cloudpickle  # Ray ships its own copy of cloudpickle

        ray.cloudpickle.register_pickle_by_value(sys.modules[module_name])


def between_samples() -> bool:
    """Whether asv calls the caller (a teardown or setup) between two samples of a benchmark.

    asv_runner 0.3 runs a benchmark's teardown and setup again before every sample (its
    ``redo_setup``), so that each sample sees freshly made inputs, and then times a single
    call per sample. A session (nums, the runtime, Ray, a pool) is not such an input:
    stopping and starting it there would time every sample in a new session (store pages
    never touched, workers importing on first use), which is not what a running program
    sees. So the teardowns keep the session between samples and stop it at the end of the
    benchmark (asv's last teardown), and the setups keep a running session that has the
    same arguments (:func:`start`, :func:`start_nums`).
    """
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "redo_setup":
            return True
        frame = frame.f_back
    return False


# what this process runs: engine name -> (its start arguments, its pool or None)
_running: dict[str, tuple[dict, object]] = {}


def start_nums(**kwargs) -> bool:
    """Start a nums session with ``kwargs`` for ``nums.init``, unless the running one has
    them (see :func:`between_samples`); whether a new session started."""
    import nums
    from nums.core import context

    if _running.get("nums-session", (None,))[0] == kwargs and context.is_initialized():
        return False
    nums.init(**kwargs)  # ends the current session, if any
    _running["nums-session"] = (kwargs, None)
    return True


def stop_nums() -> None:
    """End the nums session, except between two samples of a benchmark."""
    if between_samples():
        return
    import nums

    _running.pop("nums-session", None)
    nums.shutdown()


def start(engine: str, **runtime_kwargs):
    """Start ``engine``; returns the pool object for multiprocessing, else None.

    A running engine started with the same arguments is kept (see :func:`between_samples`).
    Raises NotImplementedError (asv then skips the benchmark) when Ray is not installed.
    """
    if engine in _running and _running[engine][0] == runtime_kwargs and _alive(engine):
        return _running[engine][1]
    pool = _start(engine, **runtime_kwargs)
    _running[engine] = (runtime_kwargs, pool)
    return pool


def _alive(engine: str) -> bool:
    if engine == "nums":
        import runtime as rt

        return rt.is_initialized()
    if engine == "ray":
        import ray

        return ray.is_initialized()
    return True


def _start(engine: str, **runtime_kwargs):
    if engine == "nums":
        import runtime as rt

        if rt.is_initialized():
            rt.shutdown()
        rt.init(**runtime_kwargs)
        return None
    if engine == "ray":
        if not have("ray"):
            raise NotImplementedError("ray is not installed (pip install -e .[bench])")
        import ray

        if not ray.is_initialized():
            # loopback only: nothing of a benchmark listens on another address
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
                     configure_logging=False, _node_ip_address="127.0.0.1")
        return None
    if engine == "multiprocessing":
        return multiprocessing.get_context("fork").Pool(2)
    raise ValueError(engine)


def stop(engine: str, pool=None) -> None:
    """Stop ``engine``, except between two samples of a benchmark."""
    if between_samples():
        return
    _running.pop(engine, None)
    if engine == "nums":
        import runtime as rt

        rt.shutdown()
    elif engine == "ray":
        import ray

        ray.shutdown()
    elif pool is not None:
        pool.terminate()
        pool.join()
