"""The outbox's states change only by the transitions of one table, each a compare-and-set.

The source is read to check that nothing but tracker.mail.outbox writes the outbox table, and
that inside it every UPDATE is built by `Transition.update`; real databases on both backends
then show that a transition matches rows in the states it may leave and no other, and that
the public functions refuse (or skip) a row that is not where they expect it.
"""

from __future__ import annotations

import ast
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.conftest import REPO
from tracker.errors import UserError
from tracker.mail import outbox
from tracker.mail.outbox import (
    TRANSITIONS,
    Event,
    NewRow,
    OutboxState,
    Settlement,
    Transition,
)
from tracker.mail.senders import RetryPolicy
from tracker.store.database import Database
from tracker.store.schema import upgrade
from tracker.store.tables import OUTBOX

NOW = datetime(2017, 4, 18, 4, 0, tzinfo=UTC)
OUTBOX_MODULE = REPO / "tracker" / "mail" / "outbox.py"
WRITES = {"update", "insert", "delete", "upsert_insert"}


def _python_files() -> Iterator[Path]:
    for path in sorted((REPO / "tracker").rglob("*.py")):
        if "migrations" not in path.parts:  # history: they wrote the tables of their time
            yield path


def _writes_to_outbox(tree: ast.AST) -> Iterator[ast.Call]:
    """Calls that write the outbox table: update(OUTBOX), insert(...), OUTBOX.update(), ..."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else "")
        if name not in WRITES:
            continue
        targets = [*node.args]
        if isinstance(func, ast.Attribute):
            targets.append(func.value)
        if any(isinstance(t, ast.Name) and t.id == "OUTBOX" for t in targets):
            yield node


def test_only_the_outbox_module_writes_the_outbox_table() -> None:
    writers = {}
    for path in _python_files():
        source = path.read_text(encoding="utf-8")
        found = list(_writes_to_outbox(ast.parse(source)))
        if found:
            writers[path.relative_to(REPO).as_posix()] = len(found)
        lowered = source.lower()
        for sql in ("update outbox", "insert into outbox", "delete from outbox"):
            assert path == OUTBOX_MODULE or sql not in lowered, f"{path}: raw SQL writes it"
    # the transitions' UPDATE, the recording INSERT
    assert writers == {"tracker/mail/outbox.py": 2}, writers


def test_every_update_of_a_state_is_built_by_transition_update() -> None:
    tree = ast.parse(OUTBOX_MODULE.read_text(encoding="utf-8"))
    (transition,) = [node for node in ast.walk(tree)
                     if isinstance(node, ast.ClassDef) and node.name == "Transition"]
    (method,) = [node for node in transition.body
                 if isinstance(node, ast.FunctionDef) and node.name == "update"]
    updates = [node for node in _writes_to_outbox(tree)
               if isinstance(node.func, ast.Name) and node.func.id == "update"]
    assert len(updates) == 1 and updates[0] in list(ast.walk(method))
    # and every event of the table is used by a statement or a function of the module
    source = OUTBOX_MODULE.read_text(encoding="utf-8")
    table_end = source.index('"""Every way a row\'s state may change')
    for event in Event:
        assert f"Event.{event.name}" in source[table_end:], event
    assert set(TRANSITIONS) == set(Event)


def test_a_sent_or_skipped_row_never_moves_again() -> None:
    """`sent` and `skipped` are final: no transition, not even staff's, leaves them, so no
    mail recorded as sent or deliberately skipped can go out (again) by itself.  The one
    exception is the receiving server's word that a sent mail did not arrive (a bounce read
    from the inbox): it makes the row failed, never pending."""
    for event, transition in TRANSITIONS.items():
        assert OutboxState.SKIPPED not in transition.sources, event
        if OutboxState.SENT in transition.sources:
            assert (event, transition.target) == (Event.BOUNCE, OutboxState.FAILED), event
    # only staff send an uncertain or failed row again
    leaving = {event for event, t in TRANSITIONS.items()
               if {OutboxState.UNCERTAIN, OutboxState.FAILED} & set(t.sources)
               and t.target is OutboxState.PENDING}
    assert leaving == {Event.RETRY}


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url, create=True)
    upgrade(database)
    try:
        yield database
    finally:
        database.dispose()


def _new_row(number: int, overtaken: bool = False) -> NewRow:
    return NewRow(
        key=f"states|{number}", campaign="states", kind="reminder", deadline="report",
        stage="d-3", recipient=f"r{number}@example.kz", recipient_name="R", lang="kk",
        unit="aktobe", bodies=("akimat",), items=(1,), send_at=NOW, late=False,
        message_id=f"<{number}@example.kz>", subject="s",
        head=f"To: r{number}@example.kz\r\n\r\n".encode(), body=b"body\r\n",
        overtaken=overtaken)


def _rows_in_every_state(db: Database) -> dict[OutboxState, int]:
    """One row per state (put there by hand: this is the fixture, not the code under test)."""
    states = list(OutboxState)
    with db.writing() as conn:
        outbox.record(conn, [_new_row(n) for n in range(len(states))], NOW)
        ids = sorted(conn.execute(select(OUTBOX.c.id)).scalars())
        for row_id, state in zip(ids, states, strict=True):
            conn.execute(update(OUTBOX).where(OUTBOX.c.id == row_id).values(
                state=state.value, claimed_by="me" if state in (
                    OutboxState.CLAIMED, OutboxState.TRANSMITTING) else None))
    return dict(zip(states, ids, strict=True))


def _states(db: Database) -> dict[int, str]:
    with db.reading() as conn:
        return {i: s for i, s in conn.execute(select(OUTBOX.c.id, OUTBOX.c.state))}


@pytest.mark.parametrize("event", [e for e, t in TRANSITIONS.items() if t.sources])
def test_a_transition_matches_the_states_it_may_leave_and_no_other(db: Database,
                                                                   event: Event) -> None:
    transition: Transition = TRANSITIONS[event]
    ids = _rows_in_every_state(db)
    before = _states(db)
    with db.writing() as conn:
        changed = set(conn.execute(transition.update().returning(OUTBOX.c.id)).scalars())
    assert changed == {ids[state] for state in transition.sources}
    after = _states(db)
    for state, row_id in ids.items():
        expected = transition.target if state in transition.sources else before[row_id]
        assert after[row_id] == expected, (event, state)


def test_recording_gives_pending_or_skipped_and_never_overwrites(db: Database) -> None:
    with db.writing() as conn:
        assert outbox.record(conn, [_new_row(1), _new_row(2, overtaken=True)], NOW) == 2
        assert outbox.record(conn, [_new_row(1, overtaken=True)], NOW) == 0
    with db.reading() as conn:
        rows = conn.execute(select(OUTBOX.c.dedupe_key, OUTBOX.c.state, OUTBOX.c.last_error)
                            .order_by(OUTBOX.c.dedupe_key)).all()
    assert [tuple(r) for r in rows] == [("states|1", "pending", ""),
                                        ("states|2", "skipped", "overtaken by a later reminder")]


def test_the_public_transitions_refuse_rows_not_where_they_expect_them(db: Database) -> None:
    ids = _rows_in_every_state(db)
    before = _states(db)
    sent = Settlement(Event.SETTLE_SENT, 1, "", finished_at=NOW)
    with db.writing() as conn:
        # only a claimed row of ours is marked transmitting
        assert outbox.transmit_many(conn, [(ids[OutboxState.PENDING], "me"),
                                           (ids[OutboxState.TRANSMITTING], "me"),
                                           (ids[OutboxState.CLAIMED], "another")]) == [
            False, False, False]
        # a settlement lands on a transmitting row only
        outbox.settle_many(conn, [(ids[s], "me", sent) for s in OutboxState
                                  if s is not OutboxState.TRANSMITTING])
        outbox.release(conn, [ids[s] for s in OutboxState
                              if s not in (OutboxState.CLAIMED, OutboxState.TRANSMITTING)],
                       "me")
    for state in OutboxState:
        if state in (OutboxState.UNCERTAIN, OutboxState.FAILED):
            continue
        with pytest.raises(UserError, match=f"is {state}: only uncertain or failed rows can "
                                            "be resolved"), db.writing() as conn:
            outbox.resolve(conn, ids[state], "sent", "", NOW)
        with pytest.raises(UserError, match=f"is {state}: only uncertain or failed rows can "
                                            "be retried"), db.writing() as conn:
            outbox.retry(conn, [ids[state]], NOW)
    with pytest.raises(UserError, match="no outbox row 999"), db.writing() as conn:
        outbox.retry(conn, [999], NOW)
    assert _states(db) == before
    with db.writing() as conn:
        outbox.transmit_many(conn, [(ids[OutboxState.CLAIMED], "me")])
        outbox.settle_many(conn, [(ids[OutboxState.CLAIMED], "me", sent)])
        outbox.resolve(conn, ids[OutboxState.UNCERTAIN], "sent", "by phone", NOW)
        outbox.retry(conn, [ids[OutboxState.FAILED]], NOW)
    after = _states(db)
    assert after[ids[OutboxState.CLAIMED]] == "sent"
    assert after[ids[OutboxState.UNCERTAIN]] == "sent"
    assert after[ids[OutboxState.FAILED]] == "pending"


def test_recovery_moves_a_dead_claim_only_if_its_owner_still_holds_it(db: Database) -> None:
    host = socket.gethostname()
    dead = f"{host}:999999999:abcd1234"  # no such process on this host
    with db.writing() as conn:
        outbox.record(conn, [_new_row(1), _new_row(2)], NOW)
        first, second = sorted(conn.execute(select(OUTBOX.c.id)).scalars())
        conn.execute(update(OUTBOX).values(state="claimed", claimed_by=dead, claimed_at=NOW))
        conn.execute(update(OUTBOX).where(OUTBOX.c.id == second).values(state="transmitting"))
    policy = RetryPolicy()
    with db.reading() as conn:
        seen = outbox.open_claims(conn, NOW, policy)
    assert {(c.id, c.state, c.dead) for c in seen} == {
        (first, OutboxState.CLAIMED, True), (second, OutboxState.TRANSMITTING, True)}
    with db.writing() as conn:  # meanwhile another process took the first row over
        conn.execute(update(OUTBOX).where(OUTBOX.c.id == first).values(claimed_by="alive"))
        assert conn.execute(outbox._REQUEUE_DEAD, {"row_id": first, "owner": dead}
                            ).rowcount == 0
        assert outbox.recover(conn, NOW + timedelta(seconds=1), policy) == (0, 1)
    assert _states(db) == {first: "claimed", second: "uncertain"}
    with db.reading() as conn:  # the body may have gone out: the attempt counts (issue 12)
        assert conn.execute(select(OUTBOX.c.attempts).where(OUTBOX.c.id == second)
                            ).scalar() == 1


def test_a_mail_that_could_not_be_composed_is_recorded_failed_and_never_sent(
        db: Database) -> None:
    """RECORD_FAILED: the row shows staff why, is never claimed, and cannot be retried (it has
    no message); staff may still resolve it."""
    from dataclasses import replace

    bad = replace(_new_row(1), head=b"", body=b"", subject="",
                  failure="could not compose the mail: InvalidAddressError: control character")
    with db.writing() as conn:
        assert outbox.record(conn, [bad, _new_row(2)], NOW) == 2
        claimed = outbox.claim(conn, "me", NOW + timedelta(days=1), 10, skip_locked=False)
        rows = {key: (state, error, finished) for key, state, error, finished in conn.execute(
            select(OUTBOX.c.dedupe_key, OUTBOX.c.state, OUTBOX.c.last_error,
                   OUTBOX.c.finished_at))}
    assert TRANSITIONS[Event.RECORD_FAILED].target is OutboxState.FAILED
    assert rows["states|1"] == ("failed", bad.failure, NOW)
    assert [c.recipient for c in claimed] == ["r2@example.kz"]
    failed_id = next(i for i, s in _states(db).items() if s == "failed")
    with db.writing() as conn, pytest.raises(UserError, match="could not be composed"):
        outbox.retry(conn, [failed_id], NOW)
    with db.writing() as conn:
        outbox.resolve(conn, failed_id, "failed", "contact corrected by hand", NOW)
    assert _states(db)[failed_id] == "failed"
