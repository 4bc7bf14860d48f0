"""Reading plan.yaml's `results_form` block: the columns of the regions' results form.

Each column is declared once here (key, kind, the form's Russian header, the labels), so next
year's form with another column needs no code: see docs/plan-format.md.
"""

from __future__ import annotations

from functools import lru_cache

from tracker.plan.fields import Fields
from tracker.plan.model import (
    COLUMN_KINDS,
    RESERVED_COLUMN_KEYS,
    FormColumn,
    ResultsForm,
    header_key,
)

MAX_COLUMN_WIDTH = 100
"""Wider than any spreadsheet column a person would read."""


def read_results_form(fields: Fields) -> ResultsForm:
    """The regions' results form: the region column's header, then the columns in order."""
    fields.only("region_header", "columns")
    region_header = fields.string("region_header")
    columns: list[FormColumn] = []
    named: dict[str, str] = {header_key(region_header): "the region column",
                             "region": "the region column", "unit": "the region column"}
    media: str | None = None
    for key, entry in fields.keyed_list("columns", "results_form column"):
        if key in RESERVED_COLUMN_KEYS:
            entry.fail(f"the key '{key}' is reserved ({RESERVED_COLUMN_KEYS[key]})",
                       entry.line("key"))
        kind = entry.string("kind")
        if kind not in COLUMN_KINDS:
            entry.fail(f"kind must be one of {', '.join(COLUMN_KINDS)}, got '{kind}'",
                       entry.line("kind"))
        if kind == "media":
            if media is not None:
                entry.fail(f"a second column of kind media (the form has one list of "
                           f"publications: column {media})", entry.line("kind"))
            if entry.has("hint"):
                entry.fail("a media column has no `report set` option to hint at (its entries "
                           "are added with `report media add`)", entry.line("hint"))
            media = key
        entry.only("key", "kind", "header", "short", "label", "report", "hint", "width")
        header = entry.string("header")
        for name, field_name in ((key, "key"), (header, "header")):
            other = named.get(header_key(name))
            if other is not None and other != f"column {key}":
                entry.fail(f"{field_name} '{name}' would match {other} too in a form file "
                           "(headers and keys are compared ignoring case and spaces)",
                           entry.line(field_name))
            named[header_key(name)] = f"column {key}"
        width = (entry.integer("width", 4, maximum=MAX_COLUMN_WIDTH) if entry.has("width")
                 else None)
        columns.append(FormColumn(
            key, kind, header, entry.text("short"), entry.text("label"),
            entry.text("report"), entry.string("hint") if entry.has("hint") else header, width))
    if media is None:
        fields.fail("no column of kind media (the form's list of publications)",
                    fields.line("columns"))
    return ResultsForm(region_header, tuple(columns))


@lru_cache(maxsize=1)
def bundled_results_form() -> ResultsForm:
    """The results form of the bundled plan.yaml: the 2017 form, which a plan stored by an older
    tracker had without saying so, and the form `report set` offers before any plan is loaded."""
    from tracker.plan.loader import load_plan  # the loader reads forms with this module
    from tracker.resources import bundled

    return load_plan(bundled("plan.yaml"), "plan.yaml").results_form
