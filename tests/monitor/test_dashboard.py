"""nums.dashboard without a browser: the token, the JSON the page polls (from a real
session), the settings that start it, and its end at nums.shutdown()."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

import pytest

import nums
import nums.numpy as np
from nums import config
from nums.core.array.planning import last_plan
from nums.core.graph.explain import explain
from nums.monitor import state


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _state(dash) -> dict:
    code, body = _get(dash.url.replace("/?", "/api/state?"))
    assert code == 200
    return json.loads(body)


@pytest.fixture()
def session():
    nums.init(backend="embedded", num_nodes=2, workers_per_node=1, block_bytes=2**18,
              object_store_bytes=32 << 20)
    yield
    nums.shutdown()


def test_token_guards_every_route(session):
    dash = nums.dashboard()
    base = f"http://127.0.0.1:{dash.port}/"
    assert dash.url == f"{base}?token={dash.token}" and len(dash.token) >= 32
    # a token one character off (a token that ends in "x" gets a "y")
    wrong = dash.token[:-1] + ("y" if dash.token.endswith("x") else "x")
    for path in ("", "api/state", "index.html", "nothing"):
        assert _get(base + path)[0] == 403
        assert _get(base + path + "?token=" + wrong)[0] == 403
        assert _get(base + path + "?token=")[0] == 403
    code, body = _get(dash.url)
    assert code == 200 and b"<title>nums dashboard</title>" in body
    assert b"http://" not in body.replace(b"http://www.w3.org/2000/svg", b"")  # no CDN
    assert _get(base + "nothing?token=" + dash.token)[0] == 404
    with urllib.request.urlopen(dash.url, timeout=30) as r:
        assert r.headers["Cache-Control"] == "no-store"
        assert "default-src 'none'" in r.headers["Content-Security-Policy"]


def test_state_comes_from_the_session(session):
    dash = nums.dashboard()
    x = np.random.rand(4000, 64)
    y = x.T @ x
    float(y.sum())
    st = _state(dash)
    assert st["session"]["backend"] == "embedded" and st["session"]["num_nodes"] == 2
    assert [n["node"] for n in st["nodes"]] == [0, 1]
    metrics = nums.metrics()
    for n, m in zip(st["nodes"], metrics):
        assert n["capacity_bytes"] == 32 << 20
        assert n["store_bytes"] >= 0 and n["tasks_run"] <= m["tasks_run"]
        assert n["bytes_sent"] <= m["bytes_sent"]
    assert sum(n["store_bytes"] for n in st["nodes"]) >= x.nbytes  # x is in the stores
    names = {e["name"] for e in st["events"]}
    assert "matmul_t" in names or "tensordot" in names or len(names) >= 2
    assert {e["node"] for e in st["events"]} == {0, 1}
    assert all(e["end"] >= e["start"] for e in st["events"])
    assert [a["node"] for a in st["activity"]] == [0, 1]
    assert all(len(a["workers"]) == 1 for a in st["activity"])
    assert st["plan"] == explain(last_plan())  # what nums.explain shows of that operation
    assert st["unavailable"] == {}
    assert nums.dashboard() is dash  # one per process
    with pytest.raises(RuntimeError, match="already runs"):
        nums.dashboard(port=_free_port())


def test_no_session_is_said_not_started():
    nums.shutdown()
    dash = nums.dashboard()
    try:
        st = _state(dash)
        assert st["session"] is None and "no nums session" in st["message"]
        from nums.core import context

        assert context.current() is None  # polling never starts a session
    finally:
        dash.stop()
    assert not dash.running


def test_serial_backend_says_what_it_cannot_give():
    nums.init(backend="serial", num_nodes=2, block_bytes=2**12)
    try:
        x = np.arange(2048.0)
        float((x * 2).sum())
        st = state.snapshot()
        assert st["session"]["backend"] == "serial"
        assert set(st["unavailable"]) == {"capacity_bytes", "spilled_bytes"}
        assert "never spills" in st["unavailable"]["spilled_bytes"]
        assert st["events"] and {e["node"] for e in st["events"]} == {0, 1}
        assert all(w["running"] == 0 for a in st["activity"] for w in a["workers"])
    finally:
        nums.shutdown()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_init_dashboard_true_starts_it_and_shutdown_stops_it(capsys):
    port = _free_port()
    nums.init(backend="serial", dashboard=True, dashboard_port=port)
    from nums import monitor

    dash = monitor.current()
    try:
        assert dash is not None and dash.port == port
        assert f"nums dashboard: {dash.url}" in capsys.readouterr().err
        assert _get(dash.url)[0] == 200
        nums.init(backend="serial", dashboard=True, dashboard_port=port)  # a new session
        assert monitor.current() is dash  # keeps serving it
    finally:
        nums.shutdown()
    assert monitor.current() is None and not dash.running
    with socket.socket() as s:  # the port is closed
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_environment_variables(monkeypatch):
    monkeypatch.setenv("NUMS_DASHBOARD", "1")
    monkeypatch.setenv("NUMS_DASHBOARD_PORT", "0")
    s = config.resolve(backend="serial")
    assert s.dashboard is True and s.dashboard_port == 0
    assert config.resolve(backend="serial", dashboard=False).dashboard is False
    monkeypatch.setenv("NUMS_DASHBOARD", "maybe")
    with pytest.raises(ValueError, match="NUMS_DASHBOARD"):
        config.resolve(backend="serial")
    monkeypatch.setenv("NUMS_DASHBOARD", "0")
    monkeypatch.setenv("NUMS_DASHBOARD_PORT", "70000")
    with pytest.raises(ValueError, match="dashboard_port"):
        config.resolve(backend="serial")
    with pytest.raises(TypeError, match="dashboard"):
        config.resolve(backend="serial", dashboard=1, dashboard_port=0)
    monkeypatch.delenv("NUMS_DASHBOARD_PORT")
    monkeypatch.setenv("NUMS_DASHBOARD", "1")
    from nums import monitor
    from nums.core import context

    try:
        context.get()  # a session started on first use reads the variable too
        assert monitor.current() is not None
    finally:
        nums.shutdown()
    assert monitor.current() is None


@pytest.mark.ray
def test_ray_backend_names_what_is_unavailable(local_ray):
    nums.init(backend="ray")
    try:
        x = np.arange(10_000.0)
        float(x.sum())
        st = state.snapshot()
        assert st["session"]["backend"] == "ray"
        assert st["events"] is None and st["activity"] is None
        for key in ("events", "activity", "bytes_sent", "bytes_received"):
            assert "Ray" in st["unavailable"][key]
        assert all(n["tasks_run"] >= 0 for n in st["nodes"])
    finally:
        nums.shutdown()
