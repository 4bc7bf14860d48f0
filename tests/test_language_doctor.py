"""`tracker doctor` and the refusals of plan and contacts files speak the reader's language.

Ministry staff and the regional agencies read Kazakh or Russian: a doctor's report or a broken
file's refusal in English is one they cannot act on.  Variable names, commands in backticks,
addresses and the names of protocols and engines stay as they are; the JSON keeps its keys and
its machine words (areas, statuses).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import REPO, Tracker, dump_database
from tests.smtp_server import SmtpTestServer
from tests.test_plan_errors import PLAN, _line_of, _replace_in_item
from tests.test_reliability_doctor import NOW, _env
from tests.test_reliability_doctor import campaign as campaign  # the fixtures doctor tests use
from tests.test_reliability_doctor import secured as secured

pytestmark = pytest.mark.timeout(120)

AREAS = {"kk": ["баптаулар", "қайталау", "дерекқор", "жеке сілтемелер", "жіберу қарқыны",
                "байланыстар", "басшылар", "хат кезегі", "пошта сервері"],
         "ru": ["настройки", "повторы", "база данных", "личные ссылки", "темп отправки",
                "контакты", "руководители", "очередь писем", "почтовый сервер"]}
OK = {"kk": "дұрыс", "ru": "норма"}
INBOX = {"kk": ("тексерілмеді", "кіріс пошта"), "ru": ("пропущено", "входящая почта")}
"""The inbox's line when TRACKER_IMAP_HOST is not set: skipped, not a problem."""
KEPT = {"SMTP", "TLS", "STARTTLS", "SQLite", "PostgreSQL", "starttls", "tracker", "bkk", "ID"}
"""Words that are names, not English: protocols, engines, the program, the test's login."""


def english_words(line: str) -> list[str]:
    """Latin words left once commands, variables, addresses and paths are taken out."""
    text = re.sub(r"`[^`]*`", " ", line)
    text = re.sub(r"\S*[/@:=]\S*", " ", text)
    text = re.sub(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", " ", text)
    text = re.sub(r"--[a-z-]+", " ", text)
    text = re.sub(r"\bTRACKER_[A-Z_]+\b", " ", text)  # a variable's name is a name
    return [word for word in re.findall(r"[A-Za-z]{2,}", text) if word not in KEPT]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_healthy_report_names_every_area_in_the_readers_language(
        campaign: Tracker, secured: SmtpTestServer, tmp_path: Path, lang: str) -> None:
    result = campaign("doctor", lang=lang, now=NOW, env=_env(secured, tmp_path))
    assert result.exit_code == 0, result.output
    *lines, inbox = result.stdout.splitlines()
    skipped, area = INBOX[lang]
    assert inbox.startswith(skipped) and f" {area}: " in inbox, inbox
    assert english_words(inbox) == [], inbox
    assert len(lines) == len(AREAS[lang])
    for line, area in zip(lines, AREAS[lang], strict=True):
        assert line.startswith(OK[lang]) and f" {area}: " in line, line
        assert english_words(line) == [], line
    assert secured.messages == []


@pytest.mark.parametrize(("lang", "words"), [
    ("kk", ["ақау", "байланыстар жүктелмеген", "тексерілмеді", "байланысқа шықпады"]),
    ("ru", ["проблема", "контакты не загружены", "пропущено", "не проверялся"]),
])
def test_a_problem_and_a_skipped_check_are_said_in_the_readers_language(
        tracker: Tracker, tmp_path: Path, secured: SmtpTestServer, lang: str,
        words: list[str]) -> None:
    result = tracker("doctor", "--no-smtp", lang=lang, now=NOW, env=_env(secured, tmp_path))
    assert result.exit_code == 1
    for word in words:
        assert word in result.stdout, (word, result.stdout)
    for line in result.stdout.splitlines():
        assert english_words(line) == [], line


def test_doctor_json_keeps_its_keys_and_machine_words(tracker: Tracker, tmp_path: Path,
                                                      secured: SmtpTestServer) -> None:
    result = tracker("doctor", "--no-smtp", "--json", lang="ru", now=NOW,
                     env=_env(secured, tmp_path))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    found = {f["area"]: f for f in report["findings"]}
    assert report["healthy"] is False
    assert set(found) == {"configuration", "retries", "database", "links", "pace", "contacts",
                          "outbox", "mail server", "inbox"}  # no managers: there are no contacts
    assert found["contacts"]["status"] == "problem"
    assert found["contacts"]["detail"].startswith("контакты не загружены")
    assert found["mail server"] == {"area": "mail server", "status": "skipped",
                                    "detail": "не проверялся (--no-smtp)"}


def _broken_plans() -> list[tuple[str, str | bytes, int | None, dict[str, str]]]:
    """(case, file content, line or None, the refusal in each language)."""
    cases: list[tuple[str, str | bytes, int | None, dict[str, str]]] = []
    text, line = _replace_in_item(14, "internal_affairs", "polce")
    cases.append(("unknown body", text, line,
                  {"kk": "№ 14 іс-шара: белгісіз орындаушы 'polce'",
                   "ru": "мероприятие 14: неизвестный исполнитель 'polce'"}))
    text, line = _replace_in_item(7, "number: 7", "number: 6")
    cases.append(("duplicate number", text, line,
                  {"kk": "№ 6 іс-шара екі рет жазылған", "ru": "номер мероприятия 6 повторяется"}))
    text, line = _replace_in_item(3, "number: 3", "number: three")
    cases.append(("wrong type", text, line,
                  {"kk": "'number' бүтін сан болуы керек, берілгені: 'three'",
                   "ru": "'number' должно быть целым числом, получено: 'three'"}))
    text, line = _replace_in_item(3, "form: mes_info\n", "form: mes_info\n    colour: red\n")
    cases.append(("unknown field", text, line + 1,
                  {"kk": "№ 3 іс-шара: белгісіз өріс 'colour'",
                   "ru": "мероприятие 3: неизвестное поле 'colour'"}))
    text, line = _replace_in_item(3, "    form: mes_info\n", "")
    cases.append(("missing field", text, None,
                  {"kk": "№ 3 іс-шара: 'form' өрісі жоқ", "ru": "мероприятие 3: нет поля 'form'"}))
    cases.append(("bad date", PLAN.replace("2017-04-25", "2017-04-31", 1),
                  _line_of(PLAN, "2017-04-25"),
                  {"kk": "'2017-04-31' — мұндай күн жоқ", "ru": "'2017-04-31' — такой даты нет"}))
    cases.append(("not YAML", PLAN.replace("items:\n", "items:\n  - number: [\n", 1), None,
                  {"kk": "YAML синтаксисінің қатесі", "ru": "синтаксическая ошибка YAML"}))
    cases.append(("not UTF-8", "title: Безопасный интернет\n".encode("cp1251"), None,
                  {"kk": "файл UTF-8 мәтіні емес", "ru": "файл — не текст в UTF-8"}))
    cases.append(("empty", "# nothing\n", None, {"kk": "файл бос", "ru": "файл пуст"}))
    return cases


def _write(path: Path, content: str | bytes) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def _one_refusal(result: object, where: str, said: str) -> str:
    from click.testing import Result

    assert isinstance(result, Result)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert where in lines[0] and said in lines[0], (where, said, lines[0])
    return lines[0]


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize(("case", "content", "line", "said"), _broken_plans(),
                         ids=[case[0] for case in _broken_plans()])
def test_plan_check_refuses_a_broken_file_in_the_readers_language(
        tmp_path: Path, lang: str, case: str, content: str | bytes, line: int | None,
        said: dict[str, str]) -> None:
    path = tmp_path / "plan.yaml"
    _write(path, content)
    result = Tracker(f"sqlite:///{tmp_path / 'x.db'}")("plan", "check", str(path), lang=lang)
    where = f"{path}:{line}: " if line is not None else f"{path}"
    refusal = _one_refusal(result, where, said[lang])
    english = Tracker(f"sqlite:///{tmp_path / 'x.db'}")("plan", "check", str(path), lang="en")
    assert english.stderr.strip() != refusal  # the same refusal, in other words


CONTACTS = (REPO / "contacts.example.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "said"), [
    ("unit: astana", "unit: narnia",
     {"kk": "белгісіз өңір 'narnia'", "ru": "неизвестный регион 'narnia'"}),
    ("email: edu@astana.example", "email: not-an-address",
     {"kk": "'not-an-address' — электрондық пошта мекенжайы емес",
      "ru": "'not-an-address' — не адрес электронной почты"}),
    ("email: edu@astana.example", "mail: edu@astana.example",
     {"kk": "белгісіз өріс 'mail'", "ru": "неизвестное поле 'mail'"}),
])
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_contacts_check_and_load_refuse_in_the_readers_language(
        tracker: Tracker, tmp_path: Path, old: str, new: str, said: dict[str, str],
        lang: str) -> None:
    assert old in CONTACTS
    path = tmp_path / "contacts.yaml"
    path.write_text(CONTACTS.replace(old, new, 1), encoding="utf-8")
    line = _line_of(CONTACTS, old)
    before = dump_database(tracker.url)
    for command in ("check", "load"):
        refusal = _one_refusal(tracker("contacts", command, str(path), lang=lang),
                               f"{path}:{line}: ", said[lang])
        assert not re.search(r"\b(unknown|field|email address|entry)\b", refusal), refusal
    assert dump_database(tracker.url) == before
