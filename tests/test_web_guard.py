"""Guessing links costs the guesser, on a real server: after a few 404s an address gets 429
for everything; another address (named by a trusted proxy) is unaffected; a forged
X-Forwarded-For from a peer that is not a trusted proxy changes nothing.  The limiter's
arithmetic is checked on its own with a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from tests.conftest import Tracker
from tests.webserver import CONTACTS, Served, start_server, stop_server
from tracker.errors import UserError
from tracker.web.guard import Limiter
from tracker.web.settings import RateLimits, read_settings

AGENCY = "edu@akmola.example"
MISSES = 4


@contextmanager
def _server(tracker: Tracker, tmp_path: Path, **env: str) -> Iterator[Served]:
    tracker.ok("contacts", "load", str(CONTACTS))
    running = start_server(tracker, tmp_path, env={"TRACKER_MISS_LIMIT": str(MISSES), **env})
    try:
        yield running
    finally:
        stop_server(running.process)


def _bad(served: Served) -> str:
    token = served.token(AGENCY)
    return f"/r/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}"


def _secure(headers: httpx.Headers) -> None:
    assert headers.get("x-frame-options") == "DENY"
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy") == "no-referrer"
    assert headers.get("set-cookie") is None


def test_bad_tokens_then_429_and_a_forged_forwarded_for_does_not_escape(
        tracker: Tracker, tmp_path: Path) -> None:
    # a proxy is configured, but the test's peer (127.0.0.1) is not it
    with _server(tracker, tmp_path, TRACKER_TRUSTED_PROXIES="10.0.0.0/8") as served:
        good = served.link(AGENCY).removeprefix(served.base)
        bad = _bad(served)
        with served.client() as http:
            assert http.get(good).status_code == 200
            # what a browser asks for by itself is no guess: it costs nothing
            for _ in range(MISSES + 2):
                assert http.get("/favicon.ico").status_code == 404
            assert http.get(good).status_code == 200
            for n in range(MISSES):
                refused = http.get(bad, headers={"x-forwarded-for": f"203.0.113.{n}"})
                assert (refused.status_code, refused.text) == (404, "404")
                _secure(refused.headers)
            for path in (bad, good, "/site.css"):
                blocked = http.get(path, headers={"x-forwarded-for": "198.51.100.7"})
                assert (blocked.status_code, blocked.text) == (429, "429")
                assert 800 <= int(blocked.headers["retry-after"]) <= 900
                _secure(blocked.headers)
        log = served.log()
        assert "203.0.113." not in log and "198.51.100.7" not in log
        assert "127.0.0.1 GET /r/… 429" in log
        assert served.token(AGENCY) not in log


def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_limit(
        tracker: Tracker, tmp_path: Path) -> None:
    with _server(tracker, tmp_path, TRACKER_TRUSTED_PROXIES="127.0.0.1") as served:
        good = served.link(AGENCY).removeprefix(served.base)
        bad = _bad(served)
        guesser = {"x-forwarded-for": "203.0.113.9"}
        with served.client() as http:
            for _ in range(MISSES):
                assert http.get(bad, headers=guesser).status_code == 404
            assert http.get(good, headers=guesser).status_code == 429
            # another office behind the same proxy, and the proxy itself, are unaffected
            assert http.get(good, headers={"x-forwarded-for": "198.51.100.7"}).status_code == 200
            assert http.get(good).status_code == 200
            # a client's own X-Forwarded-For is kept by the proxy on the left: the proxy's
            # view (the rightmost untrusted address) decides, not what the client wrote
            forged = {"x-forwarded-for": "192.0.2.1, 203.0.113.9"}
            assert http.get(good, headers=forged).status_code == 429
        log = served.log()
        assert "203.0.113.9 GET /r/… 404" in log and "198.51.100.7 GET /r/… 200" in log


def test_good_requests_are_limited_too_at_their_own_rate(tracker: Tracker,
                                                         tmp_path: Path) -> None:
    with _server(tracker, tmp_path, TRACKER_RATE_LIMIT="6") as served:
        good = served.link(AGENCY).removeprefix(served.base)
        with served.client() as http:
            answers = [http.get(good).status_code for _ in range(8)]
            # six a minute, less what start-up's /healthz probes spent: then 429
            allowed = answers.count(200)
            assert 3 <= allowed <= 6 and answers == [200] * allowed + [429] * (8 - allowed)
            assert int(http.get(good).headers["retry-after"]) <= 10


def test_the_limiter_refills_with_time_and_the_block_ends() -> None:
    now = [0.0]
    limiter = Limiter(RateLimits(per_minute=60, misses=3, block=timedelta(minutes=15)),
                      clock=lambda: now[0])
    for _ in range(3):
        assert limiter.admit("a") is None
        limiter.missed("a")
    assert limiter.admit("a") == pytest.approx(900)
    assert limiter.admit("b") is None  # another address is its own
    now[0] = 899.0
    assert limiter.admit("a") == pytest.approx(1)
    now[0] = 901.0  # the block is over, and ten minutes gave its misses back
    assert limiter.admit("a") is None
    limiter.missed("a")
    assert limiter.admit("a") is None
    for _ in range(59):
        limiter.admit("c")
    assert limiter.admit("c") is None and limiter.admit("c") == pytest.approx(1)
    now[0] += 1
    assert limiter.admit("c") is None


def test_the_limiter_forgets_addresses_when_it_holds_too_many() -> None:
    now = [0.0]
    limiter = Limiter(RateLimits(per_minute=60, misses=3), clock=lambda: now[0])
    limiter.MAX_ADDRESSES = 10
    limiter.missed("guesser")
    limiter.missed("guesser")
    limiter.missed("guesser")
    for n in range(30):
        limiter.admit(f"10.0.0.{n}")
        now[0] += 0.001
    assert len(limiter.addresses) <= 10
    assert limiter.admit("guesser") is not None  # the blocked one is kept


@pytest.mark.parametrize(("name", "value"), [("TRACKER_RATE_LIMIT", "fast"),
                                             ("TRACKER_MISS_LIMIT", "-1"),
                                             ("TRACKER_BLOCK_MINUTES", "99999")])
def test_a_mistyped_limit_is_one_line_naming_it(name: str, value: str) -> None:
    with pytest.raises(UserError) as refused:
        read_settings({name: value})
    assert str(refused.value).startswith(f"{name}={value}: not valid")
