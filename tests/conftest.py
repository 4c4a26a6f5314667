"""Fixtures shared by every test folder: a real local Ray, confined to loopback.

Ray replaces 127.0.0.1 by the machine's address. As root, the test process first moves into a
private network namespace where only loopback exists, so that Ray, and everything the tests
start after it, can only use 127.0.0.1; elsewhere Ray runs as it would for a user.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest

CLONE_NEWNET = 0x40000000
_isolated = False


def isolate_network() -> bool:
    """Enter a network namespace with only loopback (once per process); True if done."""
    global _isolated
    if _isolated:
        return True
    if os.geteuid() != 0:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        return False
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    _isolated = True
    return True


@pytest.fixture(scope="session")
def local_ray():
    """A local Ray with 2 CPUs for the whole session, stopped at its end."""
    ray = pytest.importorskip("ray", reason="the ray tier needs: pip install -e '.[ray]'")
    isolate_network()
    # Ray's workers inherit the environment: let them import the test modules too
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    ray.init(num_cpus=2, include_dashboard=False, configure_logging=False,
             log_to_driver=False)
    yield ray
    ray.shutdown()
