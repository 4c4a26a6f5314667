"""The dashboard's HTTP server: the standard library's ``ThreadingHTTPServer`` in a daemon
thread, on loopback by default, every request checked against a secret token.

Routes (each needs ``?token=<token>``; a request without it or with a wrong one gets 403):

- ``/``: the page (:mod:`nums.monitor.page`), which polls the route below.
- ``/api/state``: the session's figures as JSON (:func:`nums.monitor.state.snapshot`).

The token travels in the URL as in Jupyter (``http://127.0.0.1:PORT/?token=...``); the page
reads it from its own address and sends it with every poll. Responses are not cached and
send no referrer, so the token does not leak into other requests.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from nums.monitor import page, state

# the page may run its own inline script and style and fetch from its origin: nothing else
_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        url = urlsplit(self.path)
        given = parse_qs(url.query).get("token", [""])[0]
        if not hmac.compare_digest(given.encode(), self.server.token.encode()):
            self._send(403, "text/plain; charset=utf-8",
                       b"403 Forbidden: open the dashboard with the URL that nums printed "
                       b"(it carries ?token=...)\n")
            return
        if url.path in ("/", "/index.html"):
            self._send(200, "text/html; charset=utf-8", page.HTML.encode())
        elif url.path == "/api/state":
            body = json.dumps(state.snapshot(), default=str).encode()
            self._send(200, "application/json", body)
        else:
            self._send(404, "text/plain; charset=utf-8", b"404 Not Found\n")

    def _send(self, code: int, ctype: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", _CSP)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's name
        return None  # quiet: a poll every half second would flood stderr


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    token: str


class Dashboard:
    """A running dashboard: its :attr:`url` (with the token) and :meth:`stop`.

    Made by :func:`nums.dashboard`; stopped by :meth:`stop` or :func:`nums.shutdown`.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.token = secrets.token_urlsafe(24)
        self._server = _Server((host, port), _Handler)
        self._server.token = self.token
        self.host = host
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.2},
                                        name="nums-dashboard", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The page's address, with the token (open it in a browser)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/?token={self.token}"

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop serving and close the port (safe to call twice)."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __repr__(self) -> str:
        return f"<nums dashboard {self.url}{'' if self.running else ' (stopped)'}>"
