"""Every command's text speaks the chosen language: Kazakh (the default) or Russian, English only
with `--lang en`; the plan's own names stand where keys stood.  JSON stays as it was
(tests/test_views.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO, Tracker
from tracker.wording import WORDS, count, russian_form

ENGLISH = ["done", "partial", "pending", "item", "items", "overall", "cells", "ongoing",
           "mes_info", "media_publications", "education", "internal_policy", "mark", "unmark",
           "by", "assignment", "assignments", "unit", "reminder", "mail", "mails", "outbox",
           "empty", "gap", "gaps", "loaded", "ok", "received", "late", "time", "wrote", "set",
           "imported", "unknown", "window_end", "regional_report", "before", "tries", "nothing",
           "already", "agency", "managers", "region", "regions", "sections", "bodies", "plan",
           "date", "valid", "future", "up", "with", "the", "of", "in", "is", "not"]
"""Words of the English wording that must not appear in a Kazakh or Russian text."""

_NOT_WORDS = [re.compile(r"\S+@\S+"),  # addresses
              re.compile(r"(?:sqlite:)?/\S+"),  # files and database URLs
              re.compile(r"\S+\.(?:yaml|csv|xlsx|md|txt|docx)\b"),  # file names
              re.compile(r"--[a-z-]+"),  # options the text tells the reader to use
              re.compile(r"`[^`]*`"),  # commands it quotes
              re.compile(r"^error: ", re.M)]  # the prefix every error has (tracker.cli.main)


def english_words(text: str) -> set[str]:
    for pattern in _NOT_WORDS:
        text = pattern.sub(" ", text)
    found = {w.lower() for w in re.findall(r"[A-Za-z_]+", text)}
    return found & set(ENGLISH)


NOW = "2017-04-26T10:00+06:00"


@pytest.fixture
def campaign(sqlite_tracker: Tracker, tmp_path: Path) -> Tracker:
    """A campaign with a little of everything: marks, an unmark, contacts, a report, media."""
    t = sqlite_tracker
    t.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    t.ok("mark", "5-11", "--region", "aktobe", "--note", "Хат № 12", "--by", "А. Сейтқали",
         now="2017-04-14T10:00+06:00")
    t.ok("mark", "2", "--region", "aktobe", "--body", "education", now="2017-04-14T10:00+06:00")
    t.ok("mark", "26", now="2017-04-14T10:00+06:00")
    t.ok("unmark", "7", "--region", "aktobe", now="2017-04-15T10:00+06:00")
    t.ok("report", "set", "aktobe", "--meetings", "3", now="2017-04-24T10:00+06:00")
    t.ok("report", "submit", "aktobe", now="2017-04-24T10:00+06:00")
    t.ok("report", "media", "add", "aktobe", "--outlet", "Хабар", "--date", "12.04.2017")
    t.now = NOW
    return t


def _commands(tmp: Path) -> list[tuple[list[str], dict[str, list[str]]]]:
    """Each command with the words its text must hold in kk and in ru."""
    return [
        (["status"], {"kk": ["✓ орындалды", "◐ ішінара", "· күтілуде", "387 ұяшықтан",
                             "Ақтөбе облысы"],
                      "ru": ["✓ выполнено", "◐ частично", "· ожидается", "всего выполнено:",
                             "Актюбинская область"]}),
        (["status", "--region", "aktobe"], {"kk": ["білім басқармасы", "ішінара", "орындалды:"],
                                            "ru": ["управление образования", "частично",
                                                   "выполнено:"]}),
        (["status", "--region", "national"], {"kk": ["Балалардың құқықтарын"],
                                              "ru": ["Комитет по охране прав детей"]}),
        (["items", "--region", "aktobe"], {"kk": ["тұрақты", "ҚР БҒМ ақпарат",
                                                  "ішкі саясат басқармасы"],
                                           "ru": ["постоянно", "Информация в МОН РК",
                                                  "управление внутренней политики"]}),
        (["items", "--region", "national"], {"kk": ["мерзімі 2017-04-30"],
                                             "ru": ["до 2017-04-30"]}),
        (["items", "--body", "ngo", "--state", "done"], {"kk": ["сәйкес іс-шара жоқ"],
                                                         "ru": ["подходящих мероприятий нет"]}),
        (["regions"], {"kk": ["Ақтөбе облысы"], "ru": ["Актюбинская область"]}),
        (["history"], {"kk": ["белгіленді", "белгі алынды", "енгізген: А. Сейтқали", "№ 5"],
                       "ru": ["отмечено", "отметка снята", "автор: А. Сейтқали", "№ 5"]}),
        (["history", "--region", "almaty"], {"kk": ["өзгеріс жазылмаған"],
                                             "ru": ["изменений пока нет"]}),
        (["contacts", "check", str(REPO / "contacts.example.yaml")],
         {"kk": ["қате жоқ", "басшылар: 2"], "ru": ["ошибок нет", "руководителей: 2"]}),
        (["contacts", "gaps"], {"kk": ["олқылық жоқ"], "ru": ["пробелов нет"]}),
        (["--now", "2017-04-18T09:30+06:00", "remind", "preview"],
         {"kk": ["қазір жіберілетін ескертулер: 48", "3 күн бұрын", "іс-шаралар 2, 3"],
          "ru": ["напоминаний к отправке сейчас: 48", "за 3 дн.", "мероприятия 2, 3"]}),
        (["--now", "2017-06-01T09:30+06:00", "remind", "preview"],
         {"kk": ["кампания аяқталды"], "ru": ["кампания завершена"]}),
        (["simulate", "--from", "25.04.2017", "--to", "26.04.2017"],
         {"kk": ["мерзімнен кейін, ескерту № 1", "мерзім күні", "хаттар: "],
          "ru": ["после срока, напоминание № 1", "в день срока", "писем: "]}),
        (["outbox"], {"kk": ["хат кезегі бос"], "ru": ["очередь писем пуста"]}),
        (["report", "show"], {"kk": ["Өңір", "Барлығы", "Есеп келмеген"],
                              "ru": ["Регион", "Итого", "Отчет не получен"]}),
        (["report", "media", "list"], {"kk": ["Ақтөбе облысы"], "ru": ["Актюбинская область"]}),
        (["report", "set", "astana", "--meetings", "2"], {"kk": ["Астана қаласы: енгізілді:"],
                                                         "ru": ["город Астана: записано:"]}),
        (["report", "submit", "aktobe"], {"kk": ["алғашқы уақыты сақталды", "мерзімінде"],
                                          "ru": ["первое время сохранено", "в срок"]}),
        (["report", "submit", "astana"], {"kk": ["кешігіп"], "ru": ["с опозданием"]}),
        (["report", "export", str(tmp / "itogi.csv")], {"kk": ["келген есептер: 2"],
                                                        "ru": ["получено отчётов: 2"]}),
        (["plan", "check"], {"kk": ["қате жоқ", "іс-шаралар: 26"],
                             "ru": ["ошибок нет", "мероприятий: 26"]}),
        (["plan", "load", str(REPO / "plan.yaml")], {"kk": ["файлымен сәйкес"],
                                                     "ru": ["уже соответствует"]}),
        (["digest", "--output", str(tmp / "digest.txt")], {"kk": ["жазылды"], "ru": ["записан"]}),
        (["final-report", str(tmp / "final.md")], {"kk": ["қорытынды ақпараттың жобасы"],
                                                   "ru": ["проект итоговой информации"]}),
        (["mark", "5", "--region", "aktobe"], {"kk": ["ештеңе өзгерген жоқ"],
                                               "ru": ["ничего не изменилось"]}),
    ]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_command_speaks_the_chosen_language(campaign: Tracker, tmp_path: Path,
                                                  lang: str) -> None:
    for args, expected in _commands(tmp_path):
        text = campaign.ok(*args, lang=lang).output
        assert not english_words(text), (args, english_words(text), text)
        for word in expected[lang]:
            assert word in text, (args, word, text)


REFUSED = [
    (["mark", "27", "--region", "aktobe"], {"kk": "№ 27 іс-шара жоқ", "ru": "мероприятия 27 нет"}),
    (["mark", "5", "--region", "narnia"], {"kk": "белгісіз өңір 'narnia'",
                                           "ru": "неизвестный регион 'narnia'"}),
    (["status", "--region", "narnia"], {"kk": "белгісіз өңір", "ru": "неизвестный регион"}),
    (["history", "99"], {"kk": "№ 99 іс-шара жоқ", "ru": "мероприятия 99 нет"}),
    (["mark", "5", "--region", "aktobe", "--body", "polce"],
     {"kk": "белгісіз орындаушы 'polce'", "ru": "неизвестный исполнитель 'polce'"}),
    (["mark", "7", "--region", "aktobe", "--body", "ngo"],
     {"kk": "'ngo' орындаушысы жоқ", "ru": "нет исполнителя 'ngo'"}),
    (["mark", "26", "--region", "aktobe"], {"kk": "республикалық іс-шара",
                                            "ru": "мероприятие республиканского уровня"}),
    (["mark", "5"], {"kk": "--region көрсетілуі керек", "ru": "укажите --region"}),
    (["mark", "x-y", "--region", "aktobe"], {"kk": "іс-шара нөмірі де, ауқымы да емес",
                                             "ru": "не номер и не диапазон"}),
    (["mark", "9-5", "--region", "aktobe"], {"kk": "кері ретпен", "ru": "в обратном порядке"}),
    (["mark", "5", "--region", "aktobe", "--on", "soon"], {"kk": "күн де", "ru": "не дата"}),
    (["mark", "5", "--region", "aktobe", "--on", "2017-05-01"], {"kk": "болашақтағы уақыт",
                                                                 "ru": "будущее время"}),
    (["report", "submit", "narnia"], {"kk": "белгісіз өңір", "ru": "неизвестный регион"}),
    (["report", "media", "add", "aktobe", "--outlet", "X", "--date", "31.04.2017"],
     {"kk": "мұндай күн жоқ", "ru": "такой даты нет"}),
    (["contacts", "check", "nowhere.yaml"], {"kk": "файл табылмады", "ru": "файл не найден"}),
]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_frequent_mistakes_are_refused_in_the_chosen_language(campaign: Tracker,
                                                              lang: str) -> None:
    for args, expected in REFUSED:
        result = campaign(*args, lang=lang)
        assert result.exit_code == 2, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and expected[lang] in lines[0], (args, lines)
        said = lines[0].split(" (")[0]  # what follows lists the keys to type
        assert not english_words(said), (args, english_words(said), lines[0])


def test_kazakh_is_the_default_and_english_is_asked_for(campaign: Tracker) -> None:
    default = campaign.ok("status").stdout
    assert "✓ орындалды   ◐ ішінара   · күтілуде" in default
    english = campaign.ok("status", lang="en").stdout
    assert "✓ done   ◐ partial   · pending" in english and "overall: " in english
    assert "error: unknown item 27" in campaign("mark", "27", "-r", "aktobe", lang="en").stderr


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_grid_stays_aligned_in_every_language(campaign: Tracker, lang: str) -> None:
    lines = campaign.ok("status", lang=lang).stdout.splitlines()
    header = next(line for line in lines if " AKM AKT " in line)
    columns = [header.index(code) + 1 for code in ("AKM", "AKT", "ALM", "NAT")]
    rows = [line for line in lines if re.match(r"^\s*\d+ ", line)]
    assert len(rows) == 26
    for row in rows:
        assert all(row[c] in "✓◐·! " for c in columns), (row, header)
        assert len(row.split("   ")[0]) <= len(header)
    percent = next(line for line in lines if line.rstrip().endswith("%"))
    assert percent[header.index("AKM") + 2] == "%"  # the first region's share


RUSSIAN = [(1, "поручение"), (2, "поручения"), (4, "поручения"), (5, "поручений"),
           (11, "поручений"), (12, "поручений"), (14, "поручений"), (21, "поручение"),
           (22, "поручения"), (25, "поручений"), (111, "поручений"), (1001, "поручение")]


@pytest.mark.parametrize(("n", "noun"), RUSSIAN)
def test_russian_counts_take_their_plural_form(n: int, noun: str) -> None:
    assert count("ru", n, "assignment") == f"{n} {noun}"
    assert count("kk", n, "assignment") == f"{n} тапсырма"  # Kazakh: one form after a number
    assert russian_form(n) in (0, 1, 2)


def test_marks_say_how_many_in_russian_as_russian_counts(sqlite_tracker: Tracker) -> None:
    one = sqlite_tracker.ok("mark", "1", "--region", "aktobe", lang="ru").stdout
    assert one.strip() == "Отмечено как выполненное: 1 поручение по мероприятию 1 в 1 регионе"
    two = sqlite_tracker.ok("mark", "2", "--region", "aktobe", lang="ru").stdout
    assert two.strip() == "Отмечено как выполненное: 2 поручения по мероприятию 2 в 1 регионе"
    many = sqlite_tracker.ok("mark", "5-11", "--region", "aktobe,astana", lang="ru").stdout
    assert many.strip() == ("Отмечено как выполненное: 36 поручений по мероприятиям 5-11 "
                            "в 2 регионах")
    everywhere = sqlite_tracker.ok("mark", "25", "--region", "all,national", lang="kk").stdout
    assert everywhere.strip() == ("Орындалды деп белгіленді: № 25 іс-шара бойынша 16 өңірде "
                                  "және республикалық деңгейде 17 тапсырма")


def test_every_phrase_has_all_three_languages_with_the_same_blanks() -> None:
    for key, phrase in WORDS.items():
        assert set(phrase) == {"kk", "ru", "en"}, key
        blanks = {lang: set(re.findall(r"{(\w+)}", text)) for lang, text in phrase.items()}
        assert blanks["kk"] == blanks["ru"], key  # English may say it with other numbers
        assert all(re.search("[а-яәіңғүұқөһё]", phrase[lang], re.I) or
                   not re.search("[A-Za-z]{3,}", re.sub(r"{\w+}|--\w+|'\w+'|`[^`]*`", "",
                                                        phrase[lang]))
                   for lang in ("kk", "ru")), key


OUTBOX_WORDS = {"kk": ["жіберілді", "3 күн бұрын", "әрекет: 1", "кезекте: 16, жіберілді: 48"],
                "ru": ["отправлено", "за 3 дн.", "попыток: 1", "ожидает: 16, отправлено: 48"]}


def test_the_outbox_listing_speaks_the_chosen_language(campaign: Tracker) -> None:
    from tests.smtp_server import Mode, SmtpTestServer
    from tests.test_reminder_delivery import _env

    with SmtpTestServer() as server:
        sent = campaign("remind", "send", now="2017-04-18T09:30+06:00", env=_env(server))
        assert sent.exit_code == 0, sent.output
        server.set_mode(Mode.REFUSE)  # the western regions' mails wait for the next run
        campaign("remind", "send", now="2017-04-18T09:30+05:00", env=_env(server))
    states = {row["state"] for row in campaign.json("outbox")}
    assert states == {"sent", "pending"}, states
    for lang, words in OUTBOX_WORDS.items():
        text = campaign.ok("outbox", lang=lang).stdout
        assert not english_words(text), (english_words(text), text)
        for word in words:
            assert word in text, (word, text)


IMPORT_MISTAKES = [
    ([["Наименование области", "Кол-во встреч"]], {"kk": "бағандар жоқ:", "ru": "нет столбцов:"}),
    ("abc", {"kk": "3-жол, «Кол-во встреч» бағаны: 'abc' — бүтін сан емес",
             "ru": "строка 3, столбец «Кол-во встреч»: 'abc' — не целое число"}),
    ("-3", {"kk": "'-3' — теріс сан", "ru": "'-3' — отрицательное число"}),
    ("Нарния", {"kk": "'Нарния' — жоспардағы өңір емес", "ru": "'Нарния' — не регион плана"}),
    ("Хабар, 31.04.2017", {"kk": "'31.04.2017' — мұндай күн жоқ",
                           "ru": "'31.04.2017' — такой даты нет"}),
    ("Хабар", {"kk": "«БАҚ, күні» түрінде емес", "ru": "не «СМИ, дата»"}),
]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_imported_forms_mistakes_are_said_in_the_chosen_language(
        sqlite_tracker: Tracker, tmp_path: Path, lang: str) -> None:
    from tests.test_report_files import RU, row, write_csv

    for mistake, expected in IMPORT_MISTAKES:
        if isinstance(mistake, list):
            rows = mistake
        elif mistake == "Нарния":
            rows = [RU, row("aktobe"), row(mistake)]
        elif mistake.startswith("Хабар"):
            rows = [RU, row("aktobe"), row("astana", media=mistake)]
        else:
            rows = [RU, row("aktobe"), row("astana", (1, 2, 3, mistake, 5, 6, 7))]
        file = write_csv(tmp_path / "form.csv", rows)
        result = sqlite_tracker("report", "import", str(file), lang=lang)
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and expected[lang] in lines[0], (mistake, lines)
        assert not english_words(lines[0].split(" (")[0]), (mistake, lines[0])
