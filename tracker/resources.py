"""Where the files that ship with tracker live: the plan, the templates, the example contacts.

In a wheel they are copied into `tracker/bundled/` (see pyproject.toml); in a source checkout they
stay at the top of the repository, where people edit them.  Both layouts are looked up here so
that nothing else needs to know.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """Path of a shipped file or folder (`plan.yaml`, `templates`, `contacts.example.yaml`)."""
    installed = _PACKAGE_DIR / "bundled" / name
    if installed.exists():
        return installed
    return _PACKAGE_DIR.parent / name


def migrations_dir() -> Path:
    """The Alembic script folder, inside the package so that it installs with it."""
    return _PACKAGE_DIR / "store" / "migrations"
