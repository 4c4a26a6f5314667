"""``import nums`` loads the public subpackages on first use: a worker process that
unpickles a task's kernel imports the package, and must not pay for the whole NumPy
namespace (0.6 s of CPU per worker before its first task); the driver sees no difference."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap


def _run(code: str, stdin: bytes | None = None) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], input=stdin,
                          capture_output=True, timeout=240)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


def test_workers_load_kernels_not_the_numpy_namespace():
    out = _run("""
        import sys
        import nums
        assert "nums.numpy" not in sys.modules and "nums.io" not in sys.modules
        import nums.numpy as np
        import runtime.api as rt
        nums.init(backend="embedded", workers_per_node=1, local_bytes=0, block_bytes=800)
        x = np.arange(1000.0)
        assert float((x * 2).sum()) == 999000.0

        @rt.remote
        def loaded():
            import sys
            return sorted(m for m in sys.modules if m.startswith("nums"))

        mods = rt.get(loaded.remote())
        nums.shutdown()
        print(" ".join(mods))
    """)
    mods = out.split()
    assert "nums.core.array.kernels" in mods  # the worker ran kernels
    assert "nums.numpy" not in mods and "nums.io" not in mods and "nums.models" not in mods


def test_public_names_load_on_first_use():
    out = _run("""
        import sys
        import nums
        from nums import write_csv
        assert "nums.io" in sys.modules and write_csv is nums.io.write_csv
        assert nums.models.LogisticRegression is not None
        assert nums.numpy.zeros(3).shape == (3,)
        try:
            nums.no_such_name
        except AttributeError as e:
            print(e)
    """)
    assert "no attribute 'no_such_name'" in out


def test_a_pickle_loads_with_the_numpy_api_in_a_process_that_imported_nothing():
    import nums.numpy as np

    blob = pickle.dumps(np.arange(4.0))
    out = _run("""
        import pickle, sys
        x = pickle.loads(sys.stdin.buffer.read())
        print((x * 2 + 1).tolist(), type(x).__name__)
    """, stdin=blob)
    assert out.split("]")[0] + "]" == "[1.0, 3.0, 5.0, 7.0]"
    assert "BlockArray" in out
