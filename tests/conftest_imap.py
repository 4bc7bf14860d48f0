"""Pytest fixtures for the real IMAP test server (a private Dovecot, tests/imap_server.py).

``tests/conftest.py`` imports them, as it does the SMTP ones.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import trustme

from tests.imap_server import ImapTestServer


@pytest.fixture(scope="session")
def imap_ca() -> trustme.CA:
    """One throw-away certificate authority for every IMAP server of the session."""
    return trustme.CA()


@pytest.fixture
def imap_server(imap_ca: trustme.CA) -> Iterator[ImapTestServer]:
    """A running Dovecot with the default users (`ImapTestServer.users`)."""
    with ImapTestServer(ca=imap_ca) as server:
        yield server


@pytest.fixture
def imap_server_factory(imap_ca: trustme.CA) -> Iterator[Callable[..., ImapTestServer]]:
    """Start servers with ``ImapTestServer`` keyword arguments; all removed at teardown.

    Example: ``imap_server_factory(users={"a@x.test": "pw"})``.
    """
    with contextlib.ExitStack() as servers:

        def make(**kwargs: Any) -> ImapTestServer:
            kwargs.setdefault("ca", imap_ca)
            return servers.enter_context(ImapTestServer(**kwargs))

        yield make
