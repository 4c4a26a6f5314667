"""Progress bars: drawn on stderr when it is a terminal (a pty here), after the delay,
cleared at the end; absent on a pipe; forced on or off by ``NUMS_PROGRESS`` and
``nums.init(progress=...)``. Each case runs a small script in a subprocess."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import textwrap
import time

import pytest

from nums.config import resolve

SCRIPT = textwrap.dedent('''
    import sys
    import time

    import numpy
    import nums
    import nums.numpy as np

    mode, backend, setting = sys.argv[1], sys.argv[2], sys.argv[3]
    kwargs = {} if setting == "default" else {"progress": setting == "on"}
    nums.init(backend=backend, num_nodes=1, **kwargs)


    def slow(block):
        time.sleep(0.02)
        return block


    def slow_log(block):
        time.sleep(0.02)
        return numpy.log(block * (block > 30))  # the last blocks warn: log of zero


    x = np.arange(40.0, block_shape=(1,))
    if mode == "get":
        print(int(x.map_blocks(slow).get().sum()))
    elif mode == "warn":
        print(x.map_blocks(slow_log).get()[-1])
    elif mode == "write":
        nums.write(sys.argv[4], x)
        print(int(nums.read(sys.argv[4]).get().sum()))
    elif mode == "fit":
        from nums.models import LogisticRegression

        rng = numpy.random.default_rng(0)
        X = np.asarray(rng.normal(size=(200, 3)), block_shape=(10, 3))
        y = np.asarray((rng.normal(size=200) > 0).astype(float), block_shape=(10,))
        model = LogisticRegression(solver="lbfgs", tol=1e-12, max_iter=7).fit(X, y)
        print(model.n_iter_)
''')


def _run(tmp_path, mode: str, *, tty: bool, backend: str = "serial", setting: str = "default",
         env: dict | None = None) -> tuple[str, str]:
    """``(stdout, stderr)`` of the script; stderr is a pty when ``tty``, else a pipe."""
    script = tmp_path / "job.py"
    script.write_text(SCRIPT)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NUMS_")}
    environ.update({"NUMS_PROGRESS_DELAY": "0"}, **(env or {}))
    args = [sys.executable, str(script), mode, backend, setting, str(tmp_path / "data")]
    if not tty:
        done = subprocess.run(args, env=environ, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode(), done.stderr.decode()
    main, child = pty.openpty()
    proc = subprocess.Popen(args, env=environ, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=child)
    os.close(child)
    err = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # every holder of the pty's other end has closed it
                break
            if not chunk:
                break
            err += chunk
        elif proc.poll() is not None:
            break
    os.close(main)
    out = proc.communicate(timeout=60)[0].decode()
    assert proc.returncode == 0, err.decode(errors="replace")
    return out, err.decode(errors="replace")


def test_a_bar_counts_blocks_on_a_terminal_and_is_cleared(tmp_path):
    out, err = _run(tmp_path, "get", tty=True, backend="embedded")
    assert out.strip() == "780"
    assert "get |" in err and "/40 blocks" in err
    counts = [int(part.split("/40")[0].rsplit(" ", 1)[-1]) for part in err.split("\r")
              if "/40 blocks" in part]
    assert counts == sorted(counts) and counts[-1] <= 40  # blocks counted as they complete
    assert err.endswith("\r\x1b[K")  # the line is cleared at the end


def test_a_warning_clears_the_bar_first(tmp_path):
    out, err = _run(tmp_path, "warn", tty=True, backend="embedded")
    assert "RuntimeWarning: divide by zero encountered in log" in err
    assert "/40 blocks" in err
    for line in err.replace("\r\x1b[K", "\n").split("\n"):  # a bar is erased by \r\x1b[K
        assert not ("blocks" in line and "Warning" in line), line
    assert err.endswith("\r\x1b[K")


def test_no_bar_on_a_pipe(tmp_path):
    out, err = _run(tmp_path, "get", tty=False)
    assert out.strip() == "780"
    assert "blocks" not in err and "\r" not in err


def test_no_bar_before_the_delay(tmp_path):
    out, err = _run(tmp_path, "get", tty=True, env={"NUMS_PROGRESS_DELAY": "60"})
    assert out.strip() == "780" and err == ""


@pytest.mark.parametrize("how", ["env", "init"])
def test_the_setting_turns_bars_off_on_a_terminal_and_on_on_a_pipe(tmp_path, how):
    def run(on: bool, tty: bool) -> str:
        if how == "env":
            return _run(tmp_path, "get", tty=tty, env={"NUMS_PROGRESS": "1" if on else "0"})[1]
        return _run(tmp_path, "get", tty=tty, setting="on" if on else "off")[1]

    assert "blocks" not in run(on=False, tty=True)
    assert "get |" in run(on=True, tty=False)


def test_write_and_fit_show_their_own_bars(tmp_path):
    out, err = _run(tmp_path, "write", tty=True)
    assert out.strip() == "780"
    assert "nums.write |" in err and "40/40 blocks" in err
    out, err = _run(tmp_path, "fit", tty=True)
    assert "LogisticRegression.fit |" in err and "/7 iterations" in err
    assert "get |" not in err  # the gets inside the fit draw no bar of their own
    assert err.endswith("\r\x1b[K")


def test_settings():
    assert resolve(progress=True).progress is True
    assert resolve(progress_delay=0.5).progress_delay == 0.5
    with pytest.raises(TypeError, match="progress"):
        resolve(progress="yes")
    with pytest.raises(ValueError, match="progress_delay"):
        resolve(progress_delay=-1)


@pytest.mark.parametrize("value, expected", [("0", False), ("1", True), ("", None)])
def test_the_environment_variable(monkeypatch, value, expected):
    monkeypatch.setenv("NUMS_PROGRESS", value)
    assert resolve().progress is expected


def test_a_bad_environment_variable_is_refused(monkeypatch):
    monkeypatch.setenv("NUMS_PROGRESS", "maybe")
    with pytest.raises(ValueError, match="NUMS_PROGRESS"):
        resolve()
    monkeypatch.delenv("NUMS_PROGRESS")
    monkeypatch.setenv("NUMS_PROGRESS_DELAY", "soon")
    with pytest.raises(ValueError, match="NUMS_PROGRESS_DELAY"):
        resolve()
