"""Automatic replies (out of office, autoresponders): noted, never acted on or answered.

An agency's official on leave answers every reminder with «Демалыстамын» or «Автоматический
ответ: ...»; read as a reply it would be held for staff each time, and answered it would
start a loop of two machines writing to each other.  `automatic` recognises them by what
mail programs put in the header (RFC 3834's Auto-Submitted, the X-Autoreply family,
Precedence) and, for programs that set none, by the subjects Outlook, Gmail, Yandex and
Mail.ru write in English, Russian and Kazakh.  Reports (RFC 6522 multipart/report) are a
machine's too: read receipts, and delivery reports that are no failure (a delay warning, a
delivery confirmation; failures are tracker.inbox.bounce's, asked first).

X-Auto-Response-Suppress alone is no sign: Outlook sets it on ordinary mail too (it asks
*others* not to answer automatically).
"""

from __future__ import annotations

import re

from tracker.inbox.letter import Letter

_FLAG_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponder", "x-auto-reply",
                 "x-mail-autoreply")
"""Headers whose presence says a program answered (any value but an explicit no)."""

_BULK = ("bulk", "junk", "list", "auto_reply", "auto-reply", "autoreply")
"""Precedence values no person writes to a single correspondent."""

_PREFIXES = re.compile(
    r"^\s*(?:"
    r"automatic reply|auto(?:matic)?[ -]?reply|auto[ -]?response|autoresponse|"
    r"out of (?:the )?office(?: auto ?reply)?|away from (?:the )?office|on vacation|"
    r"vacation reply|"
    r"автоматический ответ|автоответ|нет на месте|вне офиса|в отпуске|я в отпуске|"
    r"отсутствую|меня нет на месте|меня нет в офисе|"
    r"автоматты жауап|автожауап|демалыстамын|жұмыста жоқпын|кеңседе жоқпын|орнымда жоқпын|"
    r"іссапардамын|жұмыс орнында жоқпын"
    r")\b\s*[:!.\-–—(]?", re.IGNORECASE)
"""What an automatic reply's subject starts with, in the three languages."""

_ANYWHERE = re.compile(
    r"\b(?:out of (?:the )?office|automatic reply|auto-?reply|autoresponder|"
    r"автоматический ответ|автоответ|автоматты жауап|автожауап)\b", re.IGNORECASE)
"""Words that say 'automatic reply' wherever they stand in a subject."""

_NOTES = re.compile(r"^\s*AUTO:\s")
"""Lotus Notes' «AUTO: … is out of the office»: in capitals only (else a person's word)."""


def automatic(letter: Letter) -> str | None:
    """Why `letter` was written by a machine, or None when a person wrote it."""
    headers = letter.headers
    submitted = headers.get("auto-submitted", "").strip().lower()
    if submitted and submitted.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {submitted}"
    for name in _FLAG_HEADERS:
        value = headers.get(name)
        if value is not None and value.strip().lower() not in ("no", "false", "0"):
            return f"{_shown(name)}: {value.strip()}"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in _BULK:
        return f"Precedence: {precedence}"
    report = _report_type(letter)
    if report:
        return f"multipart/report; report-type={report}"
    return _by_subject(letter.subject)


def _report_type(letter: Letter) -> str:
    """A machine's report (RFC 6522): a read receipt (disposition-notification), or a
    delivery report that is no failure (a delay warning, a delivery confirmation)."""
    message = letter.message
    if message is None or message.get_content_type() != "multipart/report":
        return ""
    return str(message.get_param("report-type", "") or "").lower() or "unknown"


def _by_subject(subject: str) -> str | None:
    subject = " ".join(subject.split())
    if _PREFIXES.match(subject) or _NOTES.match(subject) or _ANYWHERE.search(subject):
        return f"subject: {subject}"
    return None


def _shown(name: str) -> str:
    """A header's name as mail programs write it (x-autoreply → X-Autoreply)."""
    return "-".join(part.capitalize() for part in name.split("-"))
