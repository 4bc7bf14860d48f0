"""Rendering mail bodies and subjects from Jinja2 templates.

A mail named ``deadline_reminder`` consists of up to three files in the
template directory:

* ``deadline_reminder.subject.txt`` (required) -- collapsed to one line;
* ``deadline_reminder.txt`` (required) -- the plain-text body;
* ``deadline_reminder.html`` (optional) -- the HTML alternative.

Why these settings: ``StrictUndefined`` because a reminder that silently
says "deadline: " to a ministry is worse than a crash; autoescaping only for
``.html`` because escaping the text part would show ``&lt;`` to readers;
``trim_blocks``/``lstrip_blocks`` so that ``{% if %}`` lines do not leave
blank lines and indentation in the text part.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

__all__ = ["MailRenderer", "RenderedMail"]

_WHITESPACE_RUN = re.compile(r"\s+")


@dataclass(frozen=True)
class RenderedMail:
    """The rendered parts of one mail; ``html`` is None without an HTML template."""

    subject: str
    text: str
    html: str | None


class MailRenderer:
    """Renders named mails from a template directory.

    Compiled templates are cached by the Jinja2 ``Environment`` (and reloaded
    if the file changes), so one renderer should be reused for a whole run.
    """

    def __init__(self, template_dir: Path) -> None:
        self.template_dir = Path(template_dir)
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.template_dir, encoding="utf-8"),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(
                enabled_extensions=("html",),
                disabled_extensions=("txt",),
                default_for_string=False,
                default=False,
            ),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    @property
    def environment(self) -> jinja2.Environment:
        """The Jinja2 environment, e.g. to register filters such as date formats."""
        return self._env

    def render(self, name: str, context: Mapping[str, Any]) -> RenderedMail:
        """Render the mail *name* with *context*.

        Raises ``jinja2.TemplateNotFound`` if the subject or text template is
        missing and ``jinja2.UndefinedError`` if the context lacks a variable.
        """
        variables = dict(context)
        subject = self._env.get_template(f"{name}.subject.txt").render(variables)
        text = self._env.get_template(f"{name}.txt").render(variables)
        html_template = self._optional_template(f"{name}.html")
        html = html_template.render(variables) if html_template is not None else None
        return RenderedMail(
            subject=_WHITESPACE_RUN.sub(" ", subject).strip(),
            text=text,
            html=html,
        )

    def _optional_template(self, template_name: str) -> jinja2.Template | None:
        try:
            return self._env.get_template(template_name)
        except jinja2.TemplateNotFound as exc:
            # Only "this very file does not exist" means "no HTML part". (A
            # missing {% include %} in an existing one fails at render time.)
            if exc.name != template_name:
                raise
            return None
