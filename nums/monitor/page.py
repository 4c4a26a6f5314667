"""The dashboard's page, ``page.html``: one HTML document with its own style and script
(no framework, no CDN, nothing fetched but ``api/state`` from the same server).

The script reads the token from the page's address, polls ``api/state?token=...`` every
``POLL_MS`` and redraws: one card per node (store in use against capacity with the peak and
the spilled bytes, bytes sent and received, tasks run), a table of workers (the task each
runs, the tasks queued for it), a timeline of the most recent tasks (SVG, one row per node
and worker) and the text of the last operation's plan. Figures the backend cannot give are
listed with the reason. Text from the session (task names) is set as text, never as HTML.
"""

from __future__ import annotations

from pathlib import Path

POLL_MS = 500

HTML = (Path(__file__).with_name("page.html").read_text(encoding="utf-8")
        .replace("__POLL_MS__", str(POLL_MS)))
