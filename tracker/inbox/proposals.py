"""The item numbers a reply reports done, read from its new text in Kazakh or Russian.

Officials write «5, 6, 7 орындалды», «выполнено п. 12», «пункты 3–5 выполнены», «10-12 тармақтар
орындалды», «с 3 по 5 выполнены», «5-ші іс-шара өткізілді», or a list under «Выполнены:».  A
number is proposed only when its clause says it is done; the clause is a sentence cut at commas
that do not separate numbers and at «а», «но», «бірақ», «ал», so «5, 6 орындалды, 7 орындалмады»
proposes 5 and 6.  Not done («не выполнено», «орындалмады», «орындалған жоқ», «будет выполнено»,
«орындалуда») is no proposal.  Numbers that are no items are left: dates (18.04.2017, «25
апреля», «2017 ж.»), times, phone numbers, decimals, letter and order numbers («№ 12 хат»,
«исх. № 45», «приказ 15»), quantities («проведено 12 классных часов», «350 оқушы»), and numbers
the plan has no item for.  Staff see the text beside the proposal and decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.plan.model import Plan

RANGE_MAX = 30
"""The widest range taken («1-26» is the whole plan); a wider one is no range of items."""

_TOKEN = re.compile(
    r"(?P<phone>\+\s?\d[\d \t()\-]{6,}\d|\b\d{2,3}-\d{2}-\d{2}\b|\b\d[\d \t()\-]{8,}\d\b)"
    r"|(?P<date>\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b|\b\d{1,2}[./]\d{1,2}\b(?![.,]?\d))"
    r"|(?P<time>\b\d{1,2}:\d{2}\b)"
    r"|(?P<decimal>\b\d+\.\d+\b)"
    r"|(?P<num>\d+)(?:-(?P<suffix>[а-яёәіңғүұқөһ]{1,5})\b)?"
    r"|(?P<no>№|#|N(?=\s?\d)|No\.?(?=\s?\d))"
    r"|(?P<word>[^\W\d_]+(?:-[^\W\d_]+)*\.?)"
    r"|(?P<comma>,)"
    r"|(?P<dash>[-–—−]|\.\.)"
    r"|(?P<stop>[;:()!?.\"«»“”/\\*•])",
    re.IGNORECASE)

_ITEM = re.compile(r"^(п|пп|пункт\w*|тармақ\w*|тармағ\w*|т|тт|іс-шара\w*|ісшара\w*|шара\w*|"
                   r"мероприяти\w*|меропр|нөмір\w*|номер\w*|позици\w*)\.?$")
_JOIN = re.compile(r"^(и|и\.|және|мен|пен|бен|та|те|да|де|а также|также|сондай-ақ|тағы|или|"
                   r"не|нет|жоқ|емес|был|была|было|были|полностью|толық|толығымен|уже|тоже|"
                   r"сәтті|успешно|в|по|бойынша|туралы|бұл|до|дейін|также|қоса|тоже|ещё|еще)$")
_LETTER = re.compile(r"^(хат\w*|письм\w*|исх\w*|вх\w*|шығ\w*|кір\w*|приказ\w*|бұйрық\w*|"
                     r"протокол\w*|хаттама\w*|решени\w*|шешім\w*|распоряжени\w*|өкім\w*|"
                     r"тел\w*|ауд\w*|каб\w*|кабинет\w*|от|бастап)\.?$")
_MONTH = re.compile(r"^(январ\w*|феврал\w*|март\w*|апрел\w*|ма[йя]\w*|июн\w*|июл\w*|август\w*|"
                    r"сентябр\w*|октябр\w*|ноябр\w*|декабр\w*|янв|фев|мар|апр|авг|сен|сент|окт|"
                    r"ноя|дек|қаңтар\w*|ақпан\w*|наурыз\w*|сәуір\w*|мамыр\w*|маусым\w*|шілде\w*|"
                    r"тамыз\w*|қыркүйек\w*|қазан\w*|қараша\w*|желтоқсан\w*|сәу|г|гг|год\w*|"
                    r"жыл\w*|ж|ч|час\w*|мин\w*|сағ\w*|сағат\w*|күн\w*|дн\w*|день|%)\.?$")
_SENTENCE_END = re.compile(
    r"(?<=[.!?;])\s+(?=[A-ZА-ЯЁӘІҢҒҮҰҚӨҺ])|(?<=[^\W\d_]{4}\.)\s+(?=\d)|[;!?]\s*|(?<=:)\s+(?=\d)")
"""Where a line's sentences end: a stop before a capital, a word's full stop before a number
(not «п. 12»), «;», «!», «?», and a colon before the numbers a heading introduces."""
_CONTRAST = re.compile(r"^(а|но|однако|бірақ|ал|алайда|тогда как)$")

_RU_DONE = re.compile(r"^(выполнен|выполнил|исполнен|исполнил|сделан|сделал|проведен|проведён|"
                      r"провел|провели|реализован|реализовал|завершен|завершён|завершил|"
                      r"закончен|закончил|осуществлен|осуществлён|осуществил|организован|"
                      r"организовал|отработан|отработал|готов|проделан|размещен|размещён|"
                      r"разместил|оформлен|оформил|обновлен|обновлён|опубликован|"
                      r"опубликовал)\w*$")
_RU_NOT = re.compile(r"^(не\w*выполн\w*|неисполн\w*|не|нет|ни|будет|будут|планиру\w*|"
                     r"запланирован\w*|предстоит)$")
_KK_STEMS = tuple(sorted(
    ("орындал", "орында", "өткізіл", "өткіз", "атқарыл", "атқар", "аяқтал", "аяқта",
     "ұйымдастырыл", "ұйымдастыр", "жүргізіл", "жүргіз", "жасал", "жаса", "асырыл", "асыр",
     "әзірлен", "әзірле", "дайындал", "дайында", "жарияланд", "жариял", "орнал", "орналастырыл",
     "орналастыр", "жаңартыл", "жаңарт", "ресімдел", "ресімде"), key=len, reverse=True))
_KK_PAST = re.compile(r"^(ды|ді|ты|ті|дық|дік|тық|тік|дым|дім|тым|тім|дыңыз|діңіз|ған|ген|қан|"
                      r"кен|ғанбыз|генбіз|ған\w+|ген\w+|қан\w+|кен\w+|ды\w*|ді\w*)$")
_KK_NOT = re.compile(r"^(ма|ме|ба|бе|па|пе)")
_KK_NEGATORS = re.compile(r"^(жоқ|емес|әлі)$")


@dataclass
class _Token:
    kind: str
    text: str
    """Lower-cased."""
    raw: str = ""
    value: int = 0
    suffix: str = ""


def _polarity(word: str) -> int:
    """+1 for a word saying done, -1 for one saying not done (or not yet), 0 otherwise."""
    word = word.lower().rstrip(".")
    if _RU_NOT.match(word) or _KK_NEGATORS.match(word):
        return -1
    if (_RU_DONE.match(word) and not word.startswith(("готовит", "готовя"))) or word == "дайын":
        return 1
    for stem in _KK_STEMS:
        if word.startswith(stem):
            rest = word[len(stem):]
            if _KK_NOT.match(rest):
                return -1
            return 1 if _KK_PAST.match(rest) else 0
    return 0


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for found in _TOKEN.finditer(text):
        kind = next((k for k, v in found.groupdict().items() if v is not None), "stop")
        if kind == "num":
            tokens.append(_Token("num", found.group("num"), found.group(),
                                 value=int(found.group("num")[:6]),
                                 suffix=(found.group("suffix") or "").lower()))
        elif kind in ("phone", "date", "time", "decimal"):
            tokens.append(_Token("other", found.group(), found.group()))
        else:
            tokens.append(_Token(kind, found.group().lower(), found.group()))
    return tokens


def _clauses(tokens: list[_Token]) -> list[list[_Token]]:
    """The sentence's tokens cut at contrast words and at commas that do not join numbers."""
    clauses: list[list[_Token]] = [[]]
    for at, token in enumerate(tokens):
        if token.kind == "comma" and not _joins_numbers(tokens, at):
            clauses.append([])
            continue
        if token.kind == "word" and _CONTRAST.match(token.text) and clauses[-1]:
            clauses.append([])
        clauses[-1].append(token)
    return [c for c in clauses if c]


def _joins_numbers(tokens: list[_Token], at: int) -> bool:
    before = next((t for t in reversed(tokens[:at]) if not (t.kind == "word"
                                                           and _ITEM.match(t.text))), None)
    if before is None or before.kind != "num":
        return False
    for token in tokens[at + 1:]:
        if token.kind == "num":
            return True
        if token.kind == "no" or (token.kind == "word" and (
                _ITEM.match(token.text) or token.text in ("и", "және", "а также", "также",
                                                          "сондай-ақ", "тағы"))):
            continue
        return False
    return False


def _is_item_number(tokens: list[_Token], at: int) -> bool:
    """Whether the number at `at` may be an item's: not a letter's, a quantity or a date."""
    near = [t for t in tokens[max(0, at - 3):at] + tokens[at + 1:at + 4] if t.kind == "word"]
    if any(_LETTER.match(t.text) for t in near):
        return False  # «№ 12 хат», «исх. № 45», «приказ 15 от ...»
    after = tokens[at + 1] if at + 1 < len(tokens) else None
    if after is not None and after.kind == "word":
        if _MONTH.match(after.text):
            return False
        plain = after.text.rstrip(".")
        if (after.raw[:1].islower() and not _ITEM.match(after.text) and not _JOIN.match(plain)
                and _polarity(plain) == 0):
            return False  # a quantity: «12 классных часов», «350 оқушы»
    return not (tokens[at].suffix and _MONTH.match(tokens[at].suffix))


def _numbers(clause: list[_Token]) -> list[tuple[int, int]]:
    """(position, number) of the clause's item numbers, ranges expanded."""
    found: list[tuple[int, int]] = []
    at = 0
    while at < len(clause):
        token = clause[at]
        if token.kind != "num" or not _is_item_number(clause, at):
            at += 1
            continue
        end = _range_end(clause, at)
        if end is not None:
            last = clause[end]
            if token.value < last.value <= token.value + RANGE_MAX:
                found += [(at, n) for n in range(token.value, last.value + 1)]
                at = end + 1
                continue
        found.append((at, token.value))
        at += 1
    return found


def _range_end(clause: list[_Token], at: int) -> int | None:
    """Where «3-5», «3 – 5», «с 3 по 5», «3-тен 5-ке дейін» ends, when the number at `at`
    starts one."""
    nxt = clause[at + 1] if at + 1 < len(clause) else None
    then = clause[at + 2] if at + 2 < len(clause) else None
    if clause[at].suffix in ("тен", "ден", "нан", "нен", "тан", "дан") and nxt is not None \
            and nxt.kind == "num":
        return at + 1
    if nxt is not None and (nxt.kind == "dash" or (nxt.kind == "word" and nxt.text in (
            "по", "до"))) and then is not None and then.kind == "num" \
            and _is_item_number(clause, at + 2):
        return at + 2
    return None


def _verbs(clause: list[_Token]) -> list[tuple[int, int]]:
    """(position, polarity) of the clause's done and not-done words; a «не» or «жоқ» turns the
    done word next to it."""
    verbs: list[tuple[int, int]] = []
    for at, token in enumerate(clause):
        if token.kind != "word":
            continue
        polarity = _polarity(token.text)
        if polarity == 1:
            window = clause[max(0, at - 3):at] + clause[at + 1:at + 3]
            if any(t.kind == "word" and _polarity(t.text) == -1 and (
                    _RU_NOT.match(t.text) or _KK_NEGATORS.match(t.text)) for t in window):
                polarity = -1
        if polarity:
            verbs.append((at, polarity))
    return verbs


def _units(text: str) -> list[str]:
    """Lines, a wrapped sentence joined to the line it continues, then cut into sentences."""
    lines: list[str] = []
    for raw in text.replace("\r", "").split("\n"):
        line = raw.strip().lstrip(">").strip()
        if (lines and lines[-1] and line and line[0].islower()
                and lines[-1][-1] not in ".!?:;"):
            lines[-1] += " " + line
        else:
            lines.append(line)
    units: list[str] = []
    for line in lines:
        units += _SENTENCE_END.split(line) if line else [""]
    return units


def proposed_items(text: str, plan: Plan) -> tuple[int, ...]:
    """The numbers of the plan's items `text` says are done (see the module's docstring)."""
    chosen: set[int] = set()
    header = 0
    """The polarity of a heading such as «Выполнены:» that the lines below it inherit."""
    for unit in _units(text[:50_000]):
        if not unit.strip():
            header = 0
            continue
        tokens = _tokens(unit)
        clauses = _clauses(tokens)
        sentence_verbs = [(c, _verbs(c)) for c in clauses]
        has_numbers = False
        for index, (clause, verbs) in enumerate(sentence_verbs):
            numbers = _numbers(clause)
            if not numbers:
                continue
            has_numbers = True
            for position, number in numbers:
                polarity = _nearest(verbs, position)
                if polarity == 0:
                    polarity = _inherited(sentence_verbs, index) or header
                if polarity == 1:
                    chosen.add(number)
        if not has_numbers:
            polarities = [p for _, vs in sentence_verbs for _, p in vs]
            if polarities and unit.rstrip().endswith(":"):
                header = polarities[-1]
            elif polarities:
                header = 0
    return tuple(sorted(n for n in chosen if n in plan.items_by_number))


def _nearest(verbs: list[tuple[int, int]], position: int) -> int:
    if not verbs:
        return 0
    return min(verbs, key=lambda v: (abs(v[0] - position), v[0] < position))[1]


def _inherited(sentence: list[tuple[list[_Token], list[tuple[int, int]]]], index: int) -> int:
    """The polarity a clause without done words takes from its sentence: the previous clause's
    («выполнены пункты 5, 6, а также 8»), else the next one's."""
    for _, verbs in reversed(sentence[:index]):
        if verbs:
            return verbs[-1][1]
    for _, verbs in sentence[index + 1:]:
        if verbs:
            return verbs[0][1]
    return 0
