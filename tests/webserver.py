"""A real `tracker serve` (uvicorn) on 127.0.0.1 and a free port, for the web tests.

The server runs as its own process, as in production, against the test's database; the test
gets its base address and each recipient's link as `tracker links show` prints it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.conftest import REPO, Tracker

CONTACTS = REPO / "contacts.example.yaml"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    """A running server: its address, its database's CLI, and its log so far."""

    base: str
    tracker: Tracker
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log_file: Path
    _links: dict[str, str] = field(default_factory=dict)

    def link(self, email: str) -> str:
        """The recipient's page, as `tracker links show` prints it (cached: it is stable)."""
        if email not in self._links:
            out = self.tracker.ok("links", "show", email, lang="en", env=self.env).output
            self._links[email] = out.split()[1]
        return self._links[email]

    def token(self, email: str) -> str:
        return self.link(email).rsplit("/", 1)[1]

    def log(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=30, follow_redirects=False,
                            **kwargs)  # type: ignore[arg-type]


def start_server(tracker: Tracker, tmp_path: Path, *, workers: int = 1,
                 env: dict[str, str] | None = None, now: str | None = None) -> Served:
    """Start `tracker serve` for this database and wait until it answers /healthz."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = {**os.environ, "TRACKER_PUBLIC_URL": base, **(env or {})}
    log_file = tmp_path / f"serve-{port}.log"
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tracker", "--db", tracker.url, "--now", now or tracker.now,
             "serve", "--port", str(port), "--workers", str(workers)],
            env=server_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop_server(process)
            raise AssertionError(f"tracker serve did not start:\n{log_file.read_text()}")
        time.sleep(0.1)
    return Served(base, tracker, server_env, process, log_file)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
