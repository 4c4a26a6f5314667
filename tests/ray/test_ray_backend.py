"""The ray backend against a real local Ray (and a two-node Ray cluster in a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from nums.core.backend.ray import RayBackend

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def fails(x):
    raise ValueError(f"bad block {x}")


def node_id(_x=None):
    import ray

    return ray.get_runtime_context().get_node_id()


@pytest.fixture(scope="module")
def backend(local_ray):
    b = RayBackend()  # joins the session the user (here: the fixture) started
    yield b
    b.shutdown()
    assert local_ray.is_initialized()  # a session it did not start is left running


def test_tasks_objects_and_callables(backend):
    x = np.arange(100_000, dtype=np.float64)
    ref = backend.put(x, node=0)
    got = backend.get(ref)
    np.testing.assert_array_equal(got, x)
    assert not got.flags.writeable  # read-only, as on the embedded runtime
    assert backend.get(backend.submit(np.sum, (ref,), node=0)) == x.sum()  # a ufunc-like
    a, b = backend.submit(np.split, (ref, 2), node=0, num_returns=2)
    np.testing.assert_array_equal(backend.get(b), x[50_000:])
    backend.wait([a, b, a])
    assert backend.nodes()[0]["workers"] == 2


def test_metrics_say_what_ray_cannot_tell(backend):
    m = backend.metrics()
    assert len(m) == 1 and m[0]["node"] == 0 and m[0]["tasks_run"] >= 1
    assert set(m[0]["unavailable"]) >= {"bytes_sent", "bytes_received", "peak_store_bytes"}
    for key in m[0]["unavailable"]:
        assert m[0][key] is None
    ref = backend.put(np.ones(1_000_000))
    store = backend.metrics()[0]["store_bytes"]
    assert store is None or store >= 8_000_000
    del ref


def test_task_errors_match_the_embedded_runtime(backend):
    import runtime as rt

    with pytest.raises(ValueError, match="bad block 3") as on_ray:
        backend.get(backend.submit(fails, (3,), node=0))
    raise_line = 'raise ValueError(f"bad block {x}")'  # the remote traceback is in the message
    assert "fails" in str(on_ray.value) and raise_line in str(on_ray.value)
    started = not rt.is_initialized()
    if started:
        rt.init(num_nodes=1, workers_per_node=1)
    try:
        with pytest.raises(ValueError, match="bad block 3") as embedded:
            rt.get(rt.remote(fails).remote(3))
        assert "fails" in str(embedded.value) and raise_line in str(embedded.value)
    finally:
        if started:
            rt.shutdown()


def test_missing_ray_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    # this project's own extra, not the unrelated 'nums' package of the public index
    with pytest.raises(ImportError, match=r'pip install -e "\.\[ray\]"'):
        RayBackend()


CLUSTER_SCRIPT = textwrap.dedent("""
    import json, ray
    from ray.cluster_utils import Cluster
    from nums.core.backend.ray import RayBackend
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    ray.init(address=cluster.address)
    b = RayBackend()
    def where(_x=None):
        return ray.get_runtime_context().get_node_id()
    out = {"ids": [b.node_id(k) for k in range(len(b.nodes()))]}
    out["ran_on"] = [b.get(b.submit(where, (), node=k)) for k in range(2) for _ in range(3)]
    refs = [b.put(bytes(200_000), node=k) for k in range(2)]
    ray.wait(refs, num_returns=2)
    locs = ray.experimental.get_object_locations(refs)
    out["stored_on"] = [locs[r]["node_ids"] for r in refs]
    out["read_on"] = [b.get(b.submit(where, (r,), node=k)) for k, r in enumerate(refs)]
    b.shutdown()
    ray.shutdown()
    cluster.shutdown()
    print("RESULT " + json.dumps(out))
""")


def test_two_node_cluster_placement(local_ray):
    # a separate process: a driver can only be connected to one Ray cluster at a time
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", CLUSTER_SCRIPT], capture_output=True,
                         text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("RESULT "))
    res = json.loads(line[len("RESULT "):])
    ids = res["ids"]
    assert len(ids) == 2 and ids[0] != ids[1]
    assert res["ran_on"] == [ids[0]] * 3 + [ids[1]] * 3  # tasks ran where they were put
    assert ids[0] in res["stored_on"][0] and ids[1] in res["stored_on"][1]
    assert res["read_on"] == ids
