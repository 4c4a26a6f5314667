"""The dashboard in a real browser: headless Chromium (Debian's ``chromium``, driven by
Playwright) opens the page of a running session on two virtual nodes, sees its nodes, sees
its figures change while a job runs in a thread, is refused without the token, and saves a
screenshot under ``test-artifacts/``.

Chromium is a system package: ``scripts/install-system-deps`` installs it (the README's test
command runs it first). Without it this test fails and says so; it is never skipped.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

import nums
import nums.numpy as np

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("NUMS_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 60_000  # generous: the machine may be busy; nothing here measures time


@pytest.fixture()
def browser_page(tmp_path):
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
                    "(run scripts/install-system-deps as root, or apt-get install chromium)",
                    pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need Playwright: pip install -e '.[test]'",
                    pytrace=False)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True,
            args=ARGS, viewport={"width": 1200, "height": 1000})
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()
    shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)


def _job(stop: threading.Event, errors: list) -> None:
    try:
        x = np.random.rand(4000, 64)  # 2 MiB in blocks of 256 KiB: kept in the stores
        while not stop.is_set():
            y = (x.T @ x).sum(axis=0) + 1.0
            float(y.max())
    except Exception as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)


def test_dashboard_live_in_chromium(browser_page):
    page = browser_page
    nums.shutdown()
    dash = nums.dashboard(port=0)  # before any session: the page says so, then shows it
    stop, errors = threading.Event(), []
    job = threading.Thread(target=_job, args=(stop, errors))
    try:
        assert dash.url.startswith("http://127.0.0.1:") and "?token=" in dash.url
        response = page.goto(dash.url)
        assert response.status == 200
        page.wait_for_function(
            "() => document.getElementById('status').textContent.includes('no nums session')",
            timeout=WAIT_MS)
        assert page.locator("#nodes .node").count() == 0
        nums.init(backend="embedded", num_nodes=2, workers_per_node=1, block_bytes=2**18,
                  object_store_bytes=32 << 20)
        page.wait_for_selector("#nodes .node", timeout=WAIT_MS)
        assert page.locator("#nodes .node").count() == 2
        assert sorted(page.locator("#nodes .node").evaluate_all(
            "els => els.map(e => e.dataset.node)")) == ["0", "1"]
        assert "backend embedded" in page.locator("#status").inner_text()
        before = int(page.locator("#totals").get_attribute("data-tasks"))

        job.start()
        # the figures move while the job runs: tasks run, the timeline and the plan appear
        page.wait_for_function(
            f"() => Number(document.getElementById('totals').dataset.tasks) > {before + 20}",
            timeout=WAIT_MS)
        page.wait_for_selector("#timeline-svg rect.task", timeout=WAIT_MS)
        page.wait_for_function(
            "() => document.getElementById('plan-text').textContent.includes('plan by')",
            timeout=WAIT_MS)
        first = int(page.locator("#totals").get_attribute("data-tasks"))
        page.wait_for_function(
            f"() => Number(document.getElementById('totals').dataset.tasks) > {first}",
            timeout=WAIT_MS)
        assert page.locator("#workers-table tr.worker").count() >= 2  # a worker per node
        rows = page.locator("#timeline-svg text").evaluate_all(
            "els => els.map(e => e.textContent)")
        assert any(r.startswith("node 0") for r in rows) and any(
            r.startswith("node 1") for r in rows)
        sent = page.locator('#nodes .node dd[data-key="sent"]').all_inner_texts()
        assert len(sent) == 2 and all(s != "n/a" for s in sent)
        # x's blocks are in both stores: the bar of each node shows them
        page.wait_for_function(
            "() => [...document.querySelectorAll('#nodes .node dd[data-key=\"store\"]')]"
            ".every(e => e.textContent.endsWith('KiB') || e.textContent.endsWith('MiB'))",
            timeout=WAIT_MS)
        assert page.locator("#nodes .node rect.store-used").count() == 2
        assert errors == []

        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "dashboard.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        print(f"\nscreenshot of the dashboard: {shot}")

        # without the token, or with a wrong one, nothing is served: the page nor the JSON
        base = dash.url.split("?")[0]
        assert page.goto(base).status == 403
        assert page.goto(base + "api/state").status == 403
        assert page.goto(base + "api/state?token=wrong").status == 403
        assert page.goto(dash.url.replace("/?", "/api/state?")).status == 200
    finally:
        stop.set()
        if job.is_alive() or job.ident is not None:
            job.join(timeout=120)
        nums.shutdown()
    assert not dash.running  # nums.shutdown() stops the dashboard
    assert errors == []
