"""Running the app with uvicorn: in the foreground (`claimledger serve`) or in a background thread
(tests, benchmarks, the demo), always on an address the caller chose (127.0.0.1 by default)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn

from claimledger.api.app import create_app
from claimledger.api.settings import ApiSettings
from claimledger.store import Ledger


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def run(db_url: str | None = None, host: str = "127.0.0.1", port: int = 8000, *,
        settings: ApiSettings | None = None, log_level: str = "info", echo: Any = print, workers: int = 1) -> None:
    """Serve until interrupted (Ctrl-C). With `workers` > 1, that many processes share the port
    (one Python process answers on one core at a time); each opens the ledger and keeps its caches."""
    if workers > 1:
        _run_workers(db_url, host, port, log_level, echo, workers)
        return
    settings = settings or ApiSettings()
    ledger = Ledger.open(db_url)
    app = create_app(ledger, settings)
    mode = "writes need the bearer token" if settings.token else "read-only (set CLAIMLEDGER_TOKEN to allow POST)"
    echo(f"claimledger: serving {ledger.url} at http://{host}:{port}/ ({mode}); Ctrl-C stops")
    try:
        # Keep idle connections longer than clients usually do (httpx: 5 s), so that a client never
        # sends a request on a connection the server is just closing.
        uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False, timeout_keep_alive=20)
    finally:
        ledger.close()


def _run_workers(db_url: str | None, host: str, port: int, log_level: str, echo: Any, workers: int) -> None:
    from claimledger.config import use_ledger

    if db_url:
        use_ledger(db_url)  # what create_app() opens in every worker
    Ledger.open(db_url).close()  # migrate once, and fail here (not in N workers) on a bad URL
    echo(f"claimledger: serving at http://{host}:{port}/ with {workers} worker processes; Ctrl-C stops")
    uvicorn.run("claimledger.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, access_log=False, timeout_keep_alive=20)


@dataclass
class BackgroundServer:
    """A uvicorn server running in a daemon thread; `stop()` shuts it down."""

    server: uvicorn.Server
    thread: threading.Thread
    url: str

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)


def serve_in_thread(app: Any, host: str = "127.0.0.1", port: int | None = None,
                    log_level: str = "warning", timeout: float = 20.0) -> BackgroundServer:
    """Start `app` on host:port (a free port by default) and wait until it accepts connections."""
    port = port or free_port(host)
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"server on {host}:{port} did not start")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"server on {host}:{port} did not start within {timeout:g} s")
        time.sleep(0.02)
    return BackgroundServer(server, thread, f"http://{host}:{port}")
