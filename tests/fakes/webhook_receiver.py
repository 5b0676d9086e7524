"""A local HTTP server that receives Retour's webhooks as a store's system would, checking each signature
with the ``verify`` function of docs/webhooks.md, run as it is printed there (the first ``python`` block).

- ``answers``: statuses to answer next, in order (then 204): ``[500, 500]`` fails twice, then accepts.
- ``received``: each request as ``(headers, body, verified)``; ``events`` the verified ones, parsed.
- ``secret``: the endpoint's secret, set once the endpoint is registered.
- ``delay``: seconds to wait before answering (a slow receiver).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def documented_verify() -> Callable[..., bool]:
    """The ``verify`` of docs/webhooks.md: its first python block, executed on its own."""
    block = re.search(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert block is not None, "docs/webhooks.md has no python block"
    namespace: dict[str, Any] = {}
    exec(compile(block.group(1), str(DOC), "exec"), namespace)  # noqa: S102  # our own documentation
    verify: Callable[..., bool] = namespace["verify"]
    return verify


class WebhookReceiver:
    def __init__(self) -> None:
        self.verify = documented_verify()
        self.secret = ""
        self.answers: list[int] = []
        self.delay = 0.0
        self.received: list[tuple[dict[str, str], bytes, bool]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True  # stopping does not wait for a slow answer
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hooks"

    @property
    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body, ok in self.received if ok]

    def start(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = dict(self.headers.items())
                ok = receiver.verify(receiver.secret, headers, body)
                with receiver.lock:
                    receiver.received.append((headers, body, ok))
                    status = receiver.answers.pop(0) if receiver.answers else 204
                if not ok:
                    status = 401
                time.sleep(receiver.delay)
                answer = b"" if status == 204 else json.dumps({"status": status}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):  # the sender gave up waiting (a timeout)
                    pass

        return Handler
