"""The mail, outbox and database lines speak the reader's language: `remind send`'s summary and
its exit-1 line, `outbox retry` and `outbox resolve`, `digest --send`, a mistake in the mail
settings and a `--db` that is not a database, in Kazakh (the default) and Russian.

The refusals come from below the command line (the outbox, the mail settings, the database),
which does not know who reads them: the line is said in the chosen language all the same, with
no English word left.  Real SQLite, the real SMTP test server, a port nobody listens on for an
unreachable server.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import REPO, Tracker
from tests.helpers_campaign import smtp_env
from tests.smtp_server import SmtpTestServer

MORNING = "2017-04-18T09:30:00+06:00"  # 48 reminders due in the twelve UTC+6 regions
DIGEST_EVENING = "2017-04-18T18:30:00+06:00"
LANGS = ["kk", "ru"]

NAMES = ("SQLite", "PostgreSQL", "SMTP", "IDS", "tracker")
"""Names that stay as they are in every language."""


def english_words(line: str, *kept: str) -> list[str]:
    """The Latin words of `line` left once commands (`tracker outbox`), options (--state),
    variables (TRACKER_MAIL_FROM), what the line quotes from elsewhere (`kept`: a path, the
    system's reason in parentheses) and names are taken out: none, in a Kazakh or Russian
    line."""
    for quoted in kept:
        line = line.replace(quoted, " ")
    line = re.sub(r"`[^`]*`|--[a-z-]+|\b[A-Z_]{2,}[A-Z]\b", " ", line)
    return [word for word in re.findall(r"[A-Za-z]{2,}", line) if word not in NAMES]


def _error_line(result: Result, exit_code: int, lang: str) -> str:
    assert result.exit_code == exit_code, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith({"kk": "қате: ", "ru": "ошибка: "}[lang]), line
    return line


@pytest.fixture
def campaign(sqlite_tracker: Tracker) -> Tracker:
    sqlite_tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    return sqlite_tracker


def _nobody_listening() -> dict[str, str]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(port),
            "TRACKER_SMTP_SECURITY": "none", "TRACKER_SMTP_TIMEOUT": "2",
            "TRACKER_MAIL_FROM": "«Қауіпсіз интернет» <noreply@bkk.edu.example>"}


UNREACHABLE = {
    "kk": ("жазылды: 48; жіберілді: 0, кейінге қалдырылды: 1, жіберілмеді: 0, белгісіз: 0, "
           "өткізіп жіберілді: 0\n",
           "қате: хаттар жеткізілмеді — пошта серверіне қосылу мүмкін болмады (",
           "): хаттар келесі жіберуді күтеді"),
    "ru": ("записано: 48; отправлено: 0, отложено: 1, не доставлено: 0, неизвестно: 0, "
           "пропущено: 0\n",
           "ошибка: письма не доставлены — почтовый сервер недоступен (",
           "): письма ждут следующего запуска"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_server_nobody_listens_on_is_said_in_the_readers_language(
        campaign: Tracker, lang: str) -> None:
    result = campaign("remind", "send", "--workers", "1", now=MORNING, lang=lang,
                      env=_nobody_listening())
    summary, start, end = UNREACHABLE[lang]
    assert result.stdout == summary
    line = _error_line(result, 1, lang)
    assert line.startswith(start) and line.endswith(end), line
    system = line[len(start):-len(end)]  # the system's own reason, e.g. "connect to ..."
    assert english_words(line, system) == [], line
    assert english_words(summary) == []


REFUSED = {
    "kk": ("жазылды: 48; жіберілді: 0, кейінге қалдырылды: 0, жіберілмеді: 48, белгісіз: 0, "
           "өткізіп жіберілді: 0\n",
           "қате: хаттар жеткізілмеді — қатемен: 48; қараңыз: `tracker outbox`",
           "хат кезегіндегі № {id} жол қайта кезекке қойылды\n",
           "қате: хат кезегіндегі № {id} жолдың күйі: кезекте; тек белгісіз немесе "
           "жіберілмеді күйіндегі жолдарды қайталауға болады",
           "хат кезегіндегі № {id} жол шешілді: жіберілді\n",
           "қате: хат кезегінде № 100000 жол жоқ",
           "outbox retry: қайта кезекке қойылатын жолдар: 46; оларды қайталау үшін --yes "
           "қосыңыз (ештеңе өзгертілген жоқ)",
           "хат кезегіндегі 46 жол қайта кезекке қойылды: {first}-{last}\n"),
    "ru": ("записано: 48; отправлено: 0, отложено: 0, не доставлено: 48, неизвестно: 0, "
           "пропущено: 0\n",
           "ошибка: письма не доставлены — с ошибкой: 48; см. `tracker outbox`",
           "строка {id} очереди писем снова поставлена в очередь\n",
           "ошибка: строка {id} очереди писем в состоянии «ожидает»: повторить можно только "
           "строки в состоянии неизвестно или не доставлено",
           "строка {id} очереди писем закрыта: отправлено\n",
           "ошибка: в очереди писем нет строки 100000",
           "outbox retry: строк будет снова поставлено в очередь: 46; чтобы повторить их, "
           "добавьте --yes (ничего не изменено)",
           "снова поставлено в очередь строк: 46 ({first}-{last})\n"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_refused_mail_and_the_outbox_commands_are_said_in_the_readers_language(
        campaign: Tracker, smtp_server: SmtpTestServer, lang: str) -> None:
    (summary, trouble, retried, pending, resolved, missing, confirm,
     many) = REFUSED[lang]
    smtp_server.set_mode("defer", code=554, stage="RCPT")  # 5xx to every recipient
    sent = campaign("remind", "send", now=MORNING, lang=lang, env=smtp_env(smtp_server))
    assert sent.stdout == summary
    assert _error_line(sent, 1, lang) == trouble
    ids = sorted(row["id"] for row in campaign.json("outbox"))
    first, second = ids[0], ids[1]

    once = campaign.ok("outbox", "retry", str(first), lang=lang)
    assert once.stdout == retried.format(id=first)
    again = campaign("outbox", "retry", str(first), lang=lang)
    assert _error_line(again, 2, lang).startswith(pending.format(id=first))
    done = campaign.ok("outbox", "resolve", str(second), "--as", "sent", lang=lang)
    assert done.stdout == resolved.format(id=second)
    absent = campaign("outbox", "resolve", "100000", "--as", "sent", lang=lang)
    assert _error_line(absent, 2, lang) == missing
    unconfirmed = campaign("outbox", "retry", "--state", "failed", lang=lang)
    assert _error_line(unconfirmed, 2, lang).endswith(confirm)
    confirmed = campaign.ok("outbox", "retry", "--state", "failed", "--yes", lang=lang)
    assert confirmed.stdout == many.format(first=ids[2], last=ids[-1])
    for line in (summary, trouble, retried, pending, resolved, missing, confirm, many):
        assert english_words(line.format(id=1, first=3, last=48), "outbox retry:") == [], line


DIGEST = {
    "kk": ("2017-04-18 дайджесті: жазылған хаттар: 2\nжеткізу: жіберілді: 2\n",
           "2017-04-18 дайджесті барлық басшыларға (2) бұрын жазылған; жаңа ештеңе жоқ\n"
           "жеткізу: жеткізетін ештеңе жоқ\n"),
    "ru": ("дайджест за 2017-04-18: записано писем: 2\nдоставка: отправлено: 2\n",
           "дайджест за 2017-04-18 уже записан для всех руководителей (2); нового нет\n"
           "доставка: доставлять нечего\n"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_digest_send_is_said_in_the_readers_language(
        campaign: Tracker, smtp_server: SmtpTestServer, lang: str) -> None:
    recorded, already = DIGEST[lang]
    first = campaign.ok("digest", "--send", now=DIGEST_EVENING, lang=lang,
                        env=smtp_env(smtp_server))
    assert first.stdout == recorded
    second = campaign.ok("digest", "--send", now=DIGEST_EVENING, lang=lang,
                         env=smtp_env(smtp_server))
    assert second.stdout == already
    assert len(smtp_server.messages) == 2
    assert english_words(recorded + already) == []


@pytest.mark.parametrize(("lang", "said"), [
    ("kk", "қате: пошта баптауы: TRACKER_MAIL_FROM көрсетілуі керек (жіберушінің мекенжайы)"),
    ("ru", "ошибка: настройка почты: нужно задать TRACKER_MAIL_FROM (адрес отправителя)")])
def test_a_missing_sender_address_is_said_in_the_readers_language(
        campaign: Tracker, smtp_server: SmtpTestServer, monkeypatch: pytest.MonkeyPatch,
        lang: str, said: str) -> None:
    monkeypatch.delenv("TRACKER_MAIL_FROM", raising=False)
    env = {**smtp_env(smtp_server), "TRACKER_MAIL_FROM": ""}
    result = campaign("remind", "send", now=MORNING, lang=lang, env=env)
    assert _error_line(result, 1, lang) == said
    assert english_words(said) == []
    assert smtp_server.messages == []


@pytest.mark.parametrize(("lang", "said"), [
    ("kk", "қате: {path} — tracker дерекқоры емес (SQLite): алғашқы байттары SQLite "
           "файлынікіндей емес"),
    ("ru", "ошибка: {path} — не база данных tracker (SQLite): первые байты не такие, как у "
           "файла SQLite")])
def test_a_db_that_is_not_a_database_is_said_in_the_readers_language(
        tmp_path: Path, lang: str, said: str) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text("managers: []\n", encoding="utf-8")
    result = Tracker(str(path))("status", lang=lang)
    assert _error_line(result, 1, lang) == said.format(path=path)
    assert english_words(said, "{path}") == []
    assert path.read_text(encoding="utf-8") == "managers: []\n"


def test_english_only_when_asked_and_the_default_is_kazakh(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text("managers: []\n", encoding="utf-8")
    english = Tracker(str(path))("status", lang="en")
    assert english.stderr == (f"error: {path} is not a tracker database (SQLite): its first "
                              "bytes are not SQLite's\n")
    default = Tracker(str(path))("status")
    assert default.stderr.startswith(f"қате: {path} — tracker дерекқоры емес")


@pytest.mark.parametrize(("lang", "said"), [
    ("kk", "қате: --db: 'mysql' дерекқорына қолдау жоқ (SQLite файлын немесе postgresql:// "
           "беріңіз)"),
    ("ru", "ошибка: --db: база данных 'mysql' не поддерживается (укажите файл SQLite или "
           "postgresql://)")])
def test_a_db_refused_before_the_command_begins_is_said_in_the_language_given(
        lang: str, said: str) -> None:
    """The URL is read before the command's context exists: --lang as given all the same."""
    result = Tracker("mysql://tracker@db.example/tracker")("status", lang=lang)
    assert _error_line(result, 2, lang) == said
    assert english_words(said, "postgresql://", "'mysql'") == []
