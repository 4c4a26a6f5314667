"""Starting and stopping the engines compared side by side (ours, Ray, multiprocessing)."""

from __future__ import annotations

import multiprocessing


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


def start(engine: str, **runtime_kwargs):
    """Start ``engine``; returns the pool object for multiprocessing, else None.

    Raises NotImplementedError (asv then skips the benchmark) when Ray is not installed.
    """
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
    if engine == "nums":
        import runtime as rt

        rt.shutdown()
    elif engine == "ray":
        import ray

        ray.shutdown()
    elif pool is not None:
        pool.terminate()
        pool.join()
