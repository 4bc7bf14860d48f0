"""MailRenderer: escaping rules, strict variables, subject clean-up, optional HTML."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from notifications import MailRenderer, RenderedMail

CONTEXT = {
    "agency": "Министерство <script>alert(1)</script> & Co",
    "item": "12.3",
    "deadline": "01.06.2017",
}


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, body in files.items():
        (directory / name).write_text(body, encoding="utf-8")
    return directory


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        {
            "reminder.subject.txt": "Срок по пункту {{ item }}:\n   {{ agency }}\n",
            "reminder.txt": (
                "Құрметті {{ agency }}!\n"
                "{% if deadline %}\n"
                "    Срок: {{ deadline }}\n"
                "{% endif %}\n"
                "Конец\n"
            ),
            "reminder.html": "<p>{{ agency }}</p><p>{{ deadline }}</p>\n",
            "text_only.subject.txt": "Только текст {{ item }}",
            "text_only.txt": "Пункт {{ item }}\n",
        },
    )


def test_html_is_autoescaped_but_text_and_subject_are_not(templates: Path) -> None:
    rendered = MailRenderer(templates).render("reminder", CONTEXT)

    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in (rendered.html or "")
    assert "<script>" not in (rendered.html or "")
    assert "<script>alert(1)</script> & Co" in rendered.text
    assert "<script>alert(1)</script> & Co" in rendered.subject


def test_subject_is_collapsed_to_one_line(templates: Path) -> None:
    rendered = MailRenderer(templates).render("reminder", CONTEXT)
    assert rendered.subject == "Срок по пункту 12.3: Министерство <script>alert(1)</script> & Co"


def test_trim_and_lstrip_blocks_leave_no_stray_lines(templates: Path) -> None:
    rendered = MailRenderer(templates).render("reminder", CONTEXT)
    assert rendered.text == (
        "Құрметті Министерство <script>alert(1)</script> & Co!\n"
        "    Срок: 01.06.2017\n"
        "Конец\n"
    )


def test_html_part_is_optional(templates: Path) -> None:
    rendered = MailRenderer(templates).render("text_only", CONTEXT)
    assert rendered == RenderedMail(subject="Только текст 12.3", text="Пункт 12.3\n", html=None)


@pytest.mark.parametrize(
    "missing_in",
    ["reminder.subject.txt", "reminder.txt", "reminder.html"],
)
def test_missing_variables_raise(tmp_path: Path, missing_in: str) -> None:
    files = {
        "reminder.subject.txt": "S {{ item }}",
        "reminder.txt": "T {{ item }}",
        "reminder.html": "<p>{{ item }}</p>",
    }
    files[missing_in] = files[missing_in] + " {{ undefined_variable }}"
    renderer = MailRenderer(write(tmp_path, files))

    with pytest.raises(jinja2.UndefinedError, match="undefined_variable"):
        renderer.render("reminder", {"item": "1"})


def test_attribute_of_missing_variable_raises_too(tmp_path: Path) -> None:
    renderer = MailRenderer(
        write(tmp_path, {"r.subject.txt": "S", "r.txt": "{{ task.title }}"})
    )
    with pytest.raises(jinja2.UndefinedError):
        renderer.render("r", {})


def test_missing_required_templates_raise(tmp_path: Path) -> None:
    renderer = MailRenderer(write(tmp_path, {"only_body.txt": "x"}))
    with pytest.raises(jinja2.TemplateNotFound):
        renderer.render("only_body", {})
    with pytest.raises(jinja2.TemplateNotFound):
        renderer.render("nothing_at_all", {})


def test_compiled_templates_are_cached(templates: Path) -> None:
    renderer = MailRenderer(templates)
    renderer.render("reminder", CONTEXT)
    environment = renderer.environment
    assert environment.get_template("reminder.txt") is environment.get_template("reminder.txt")
