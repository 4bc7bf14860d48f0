"""Pytest fixtures for the real SMTP test server.

``tests/conftest.py`` imports them; registering this module as a plugin
(``pytest_plugins = ["tests.conftest_smtp"]``) would work as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import trustme

from tests.smtp_server import SmtpTestServer


@pytest.fixture(scope="session")
def smtp_ca() -> trustme.CA:
    """One throw-away certificate authority for the whole test session."""
    return trustme.CA()


@pytest.fixture
def smtp_server() -> Iterator[SmtpTestServer]:
    """A plain SMTP server that accepts everything (no TLS, no AUTH)."""
    with SmtpTestServer() as server:
        yield server


@pytest.fixture
def smtp_server_factory(smtp_ca: trustme.CA) -> Iterator[Callable[..., SmtpTestServer]]:
    """Start servers with ``SmtpTestServer`` keyword arguments; all stopped at teardown.

    Example: ``smtp_server_factory(require_starttls=True, auth=("user", "pw"))``.
    """
    servers: list[SmtpTestServer] = []

    def make(**kwargs: Any) -> SmtpTestServer:
        kwargs.setdefault("ca", smtp_ca)
        server = SmtpTestServer(**kwargs)
        servers.append(server)
        return server.start()

    yield make
    for server in servers:
        server.stop()
