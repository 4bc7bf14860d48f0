"""The new text of a reply: what its writer typed, without the reminder it quotes.

Mail programs quote in two ways.  Gmail, Thunderbird, Apple Mail and most phones prefix the
quoted lines with `>` after an attribution line ("On ... wrote:", «... жазды:», «... написал(а):»,
«... пишет:», Gmail's Russian «вт, 18 апр. 2017 г. в 10:30, Имя <адрес>:»); the writer may
answer between them, so only the quoted lines and their attribution go.  Outlook and Android's
Samsung/Huawei mail put the original below a separator («-----Исходное сообщение-----»,
"-------- Original message --------", a line of underscores) or a header block
(From:/Sent:/To:/Subject:, От:/Отправлено:/Кому:/Тема:, Кімнен:/Жіберілді:/Кімге:/Тақырып:)
without any markers, so everything from there on goes.  A signature after "-- " goes too, as do
the "Sent from my iPhone" lines phones add.
"""

from __future__ import annotations

import re

_QUOTED = re.compile(r"^\s*>")
_WROTE = re.compile(
    r"(wrote|writes|написал\(а\)|написала?|пишет|писали|писал\(а\)|жазды|жазған|жазады|"
    r"schrieb|a écrit)\s*:\s*$", re.IGNORECASE)
"""The end of an attribution line in English, Russian and Kazakh (and what Outlook's
German/French installs write)."""
_WROTE_FIRST = re.compile(r"^\s*(вы писали|you wrote|сіз жаздыңыз|сіз жазған)\b.*:\s*$",
                          re.IGNORECASE)
"""The Bat!'s «Вы писали 18 апреля 2017 г., 10:30:»."""
_ADDRESSED = re.compile(r"(@[\w.-]+\.\w+>?|\d{1,2}:\d{2}\b.*>)\s*:\s*$")
"""An attribution with no verb: Gmail's Russian and Yandex's «..., Имя <адрес>:»; it must also
name a date or a time (`_DATED`)."""
_DATED = re.compile(r"\d{1,2}:\d{2}|\d{4}|\d{1,2}[./]\d{1,2}")
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(original message|forwarded message|исходное сообщение|"
    r"пересылаемое сообщение|перенаправленное сообщение|пересланное сообщение|"
    r"бастапқы хабар(лама)?|жіберілген хабар(лама)?|қайта жіберілген хабар(лама)?|"
    r"ursprüngliche nachricht|message d'origine)\s*-{2,}\s*$", re.IGNORECASE)
_FORWARD = re.compile(r"^\s*(begin forwarded message|начало переадресованного сообщения|"
                      r"пересылаемое сообщение|переадресованное сообщение)\s*:\s*$",
                      re.IGNORECASE)
_RULE = re.compile(r"^\s*_{10,}\s*$")
_FROM = re.compile(r"^\s*\**\s*(from|от|кімнен|кімден|жіберуші|von|de)\s*\**\s*:", re.IGNORECASE)
_HEADER = re.compile(
    r"^\s*\**\s*(sent|date|to|cc|subject|отправлено|дата|кому|копия|тема|жіберілді|"
    r"күні|уақыты|кімге|көшірме|тақырып|тақырыбы|gesendet|an|betreff|envoyé|objet)\s*\**\s*:",
    re.IGNORECASE)
_SIGNATURE = re.compile(r"^--\s?$")
_SENT_FROM = re.compile(
    r"^\s*(sent from my|sent from|get outlook for|отправлено с|отправлено из|"
    r"отправлено через|с уважением,? отправлено с|жіберілді:? .*(iphone|android|samsung)|"
    r".*(iphone|android|samsung|huawei|xiaomi|galaxy)-?(нан|нен|тан|тен|дан|ден)\s+жіберілді)",
    re.IGNORECASE)


def _joined(lines: list[str], at: int) -> str:
    """The line at `at` with the next one: Gmail and Thunderbird wrap a long attribution."""
    nxt = lines[at + 1].strip() if at + 1 < len(lines) else ""
    if nxt and not _QUOTED.match(nxt):
        return lines[at].rstrip() + " " + nxt
    return lines[at].rstrip()


def _attribution(lines: list[str], at: int) -> int:
    """How many lines (1 or 2) the attribution starting at `at` takes; 0 when it is none."""
    line = lines[at].strip()
    if not line or _QUOTED.match(line) or len(line) > 400:
        return 0
    if _WROTE.search(line) or _WROTE_FIRST.match(line) or (
            _ADDRESSED.search(line) and _DATED.search(line)):
        return 1
    if at + 1 < len(lines) and len(line) < 200:
        both = _joined(lines, at)
        if both != line and (_WROTE.search(both) or (_ADDRESSED.search(both)
                                                    and _DATED.search(both))):
            return 2
    return 0


def _header_block(lines: list[str], at: int) -> bool:
    """Whether a From:/От:/Кімнен: line at `at` opens a quoted message's header block: another
    header (Sent:, Date:, Отправлено:, Тема:, Жіберілді: ...) follows within four lines."""
    if not _FROM.match(lines[at]):
        return False
    following = [line for line in lines[at + 1:at + 6] if line.strip()][:4]
    return any(_HEADER.match(line) for line in following)


def _next_text(lines: list[str], at: int) -> str:
    for line in lines[at:]:
        if line.strip():
            return line
    return ""


def new_text(text: str) -> str:
    """`text` without the message it quotes, its attribution lines and the signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    at = 0
    while at < len(lines):
        line = lines[at]
        if (_SEPARATOR.match(line) or _FORWARD.match(line) or _SIGNATURE.match(line)
                or _header_block(lines, at)
                or (_RULE.match(line) and _header_block(lines, at + 1 + next(
                    (i for i, rest in enumerate(lines[at + 1:at + 4]) if rest.strip()), 0)))):
            break
        taken = _attribution(lines, at)
        if taken:
            if _QUOTED.match(_next_text(lines, at + taken)):
                at += taken
                continue
            break  # an attribution over an unmarked original (HTML reduced, some phones)
        if not _QUOTED.match(line) and not _SENT_FROM.match(line):
            kept.append(line.rstrip())
        at += 1
    result: list[str] = []
    for line in kept:
        if not line and result and not result[-1]:
            continue
        result.append(line)
    return "\n".join(result).strip()
