"""``bench_programs``' whole programs outside asv: ``python asv_bench/quick_programs.py
power,cg,filter`` (program names from ``benchmarks/programs.py``; ``all`` for every one)
prints NumPy's time and nums's for each, medians of ``REPS`` runs (environment, default 5)
after one warm run, at ``NUMS_BENCH_PROGRAM_MB`` megabytes of input (default 256), as asv
does. ``DASK=1`` adds Dask's threaded scheduler (as ``bench_programs`` runs it) in the same
process and run; asv runs all three with ``-b bench_programs``."""

from __future__ import annotations

import os
import statistics
import sys
import time

from benchmarks import bench_programs, programs

import nums


def main(names: list[str]) -> None:
    reps = int(os.environ.get("REPS", "5"))
    engines = ["numpy", "nums"] + (["dask"] if os.environ.get("DASK") == "1" else [])
    nums.init()
    for name in names:
        inputs = programs.make_inputs(name, programs.sizes(bench_programs.MB)[name])
        times = {}
        for engine in engines:
            xp, keep, scalar, convert = bench_programs.engine_hooks(engine)
            args = [convert(a) for a in inputs]
            fn = programs.PROGRAMS[name]
            fn(xp, keep, scalar, *args)
            samples = []
            for _ in range(reps):
                t = time.perf_counter()
                fn(xp, keep, scalar, *args)
                samples.append(time.perf_counter() - t)
            times[engine] = statistics.median(samples)
            del args
        line = (f"{name}: numpy {times['numpy'] * 1e3:.1f} ms, nums {times['nums'] * 1e3:.1f} ms, "
                f"numpy/nums {times['numpy'] / times['nums']:.2f}")
        if "dask" in times:
            line += (f", dask {times['dask'] * 1e3:.1f} ms, "
                     f"dask/nums {times['dask'] / times['nums']:.2f}")
        print(line, flush=True)
    nums.shutdown()


if __name__ == "__main__":
    arg = sys.argv[1] if len(sys.argv) > 1 else "all"
    main(list(programs.PROGRAMS) if arg == "all" else arg.split(","))
