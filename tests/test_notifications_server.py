"""The test SMTP server itself: it must refuse when told and always shut down."""

from __future__ import annotations

import socket
import threading

import pytest

from tests.smtp_server import HOST, Mode, SmtpTestServer

pytestmark = pytest.mark.timeout(60)


def smtp_dialogue(sock: socket.socket, lines: list[bytes]) -> list[bytes]:
    """Send each line and collect one reply line per command (simple replies only)."""
    reader = sock.makefile("rb")
    replies = [reader.readline()]  # greeting
    for line in lines:
        sock.sendall(line)
        reply = reader.readline()
        while reply[3:4] == b"-":  # multi-line (EHLO)
            reply = reader.readline()
        replies.append(reply)
    return replies


def test_stop_ends_a_hang_and_leaves_no_thread_behind() -> None:
    threads_before = set(threading.enumerate())
    server = SmtpTestServer(hang_seconds=600).start()
    server.set_mode(Mode.HANG_AFTER_DATA)
    sock = socket.create_connection((HOST, server.port), timeout=10)
    try:
        replies = smtp_dialogue(
            sock,
            [b"EHLO client.test\r\n", b"MAIL FROM:<a@b.kz>\r\n", b"RCPT TO:<c@d.kz>\r\n",
             b"DATA\r\n"],
        )
        assert [reply[:3] for reply in replies] == [b"220", b"250", b"250", b"250", b"354"]
        sock.sendall(b"Subject: hang\r\n\r\nbody\r\n.\r\n")  # the server never answers this

        server.stop()  # must not wait for the 600 s hang

        assert sock.recv(1024) == b""  # the server closed our connection
    finally:
        sock.close()
    assert [m.subject for m in server.hung_messages] == ["hang"]
    assert server.messages == []
    assert set(threading.enumerate()) == threads_before


def test_refuse_mode_stops_listening_and_accept_listens_again() -> None:
    with SmtpTestServer() as server:
        port = server.port
        server.set_mode(Mode.REFUSE)
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((HOST, port), timeout=10).close()

        server.set_mode(Mode.ACCEPT)
        assert server.port == port
        with socket.create_connection((HOST, port), timeout=10) as sock:
            assert smtp_dialogue(sock, [b"QUIT\r\n"])[0].startswith(b"220")


def test_connections_are_counted_and_clear_resets_them() -> None:
    with SmtpTestServer() as server:
        assert server.connections == 0
        for _ in range(3):
            with socket.create_connection((HOST, server.port), timeout=10) as sock:
                smtp_dialogue(sock, [b"QUIT\r\n"])
        assert server.connections == 3
        server.clear()
        assert server.connections == 0
