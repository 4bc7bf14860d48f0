"""The installed command: starts light, finds its bundled plan from any folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HEAVY = ("sqlmodel", "sqlalchemy", "aiosmtplib", "apscheduler", "jinja2", "alembic", "yaml")
HELP_FILE = Path(__file__).resolve().parent.parent / "tracker" / "cli" / "helptext.txt"
CLICK_MAIN = "from tracker.cli.main import main\nmain()"
ENTRY_MAIN = ("import sys\nfrom tracker.cli.entry import main\nmain()\n"
              "sys.stderr.write('LOADED ' + repr(sorted({m.split('.')[0] for m in sys.modules})))")


def _tracker() -> list[str]:
    found = shutil.which("tracker", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "tracker"]


def test_help_imports_no_heavy_library() -> None:
    code = ("import sys\nfrom tracker.cli.main import cli\n"
            "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('LOADED', sorted({m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    loaded = out.split("LOADED", 1)[1]
    assert "mark" in out and "status" in out
    for module in HEAVY:
        assert f"'{module}'" not in loaded, module


def _env(columns: str | None = None) -> dict[str, str]:
    """The environment of a piped command, with COLUMNS set or (like most shells) not."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "_TRACKER_COMPLETE")}
    return env if columns is None else {**env, "COLUMNS": columns}


def _help_by_click(columns: str | None = None) -> bytes:
    proc = subprocess.run([sys.executable, "-c", CLICK_MAIN, "--help"], capture_output=True,
                          env=_env(columns), check=True)
    return proc.stdout


def test_cached_help_is_what_click_prints() -> None:
    """The entry point prints helptext.txt for `tracker --help`: it must be click's own text."""
    assert HELP_FILE.read_bytes() == _help_by_click(), (
        "tracker/cli/helptext.txt is stale: run `python -m tracker.cli.helptext`")


def test_help_is_printed_without_click() -> None:
    for flag in ("--help", "-h"):
        proc = subprocess.run([sys.executable, "-c", ENTRY_MAIN, flag], capture_output=True,
                              env=_env(), check=True)
        loaded = proc.stderr.decode().split("LOADED", 1)[1]
        assert "'click'" not in loaded and "'tracker'" in loaded
        assert proc.stdout == HELP_FILE.read_bytes()
    for command in (_tracker(), [sys.executable, "-m", "tracker"]):
        proc = subprocess.run([*command, "--help"], capture_output=True, env=_env(), check=True)
        assert proc.stdout == HELP_FILE.read_bytes(), command


def test_narrow_terminal_help_comes_from_click() -> None:
    """Click wraps to a narrower terminal; the cached text would not match, so click prints."""
    proc = subprocess.run([*_tracker(), "--help"], capture_output=True, env=_env("60"),
                          check=True)
    assert proc.stdout == _help_by_click("60") != HELP_FILE.read_bytes()
    wide = subprocess.run([*_tracker(), "--help"], capture_output=True, env=_env("200"),
                          check=True)
    assert wide.stdout == HELP_FILE.read_bytes()


def test_bare_command_shows_the_help() -> None:
    proc = subprocess.run([sys.executable, "-m", "tracker"], capture_output=True, text=True,
                          env=_env())
    assert proc.stdout + proc.stderr == HELP_FILE.read_text(encoding="utf-8")


def test_mark_imports_no_sqlmodel(tmp_path: Path) -> None:
    """A mark is three Core statements: no SQLModel classes, pydantic or Alembic behind it."""
    db = f"sqlite:///{tmp_path / 'tracker.db'}"
    subprocess.run([sys.executable, "-m", "tracker", "--db", db, "init"], capture_output=True,
                   check=True)
    proc = subprocess.run([sys.executable, "-c", ENTRY_MAIN, "--db", db, "--now",
                           "2017-04-14T10:00:00+06:00", "mark", "5", "--region", "aktobe"],
                          capture_output=True, text=True, env=_env(), check=True)
    assert "marked done: 4 assignment(s)" in proc.stdout
    loaded = proc.stderr.split("LOADED", 1)[1]
    for module in ("sqlmodel", "pydantic", "alembic", "yaml", "jinja2"):
        assert f"'{module}'" not in loaded, module


def test_marking_tables_match_the_models() -> None:
    """marking.py names its columns without importing tracker.models; they must agree."""
    from tracker import marking, models

    for light, real in ((marking.ASSIGNMENT, models.ASSIGNMENT), (marking.EVENT, models.EVENT)):
        assert light.name == real.name
        for column in light.columns:
            assert column.name in real.columns, (light.name, column.name)
            assert type(column.type) is type(real.columns[column.name].type), column.name


def test_installed_command_works_from_any_folder(tmp_path: Path) -> None:
    env = {**os.environ, "TRACKER_HOME": str(tmp_path / "home")}
    env.pop("TRACKER_DATABASE_URL", None)
    run = {"cwd": tmp_path, "env": env, "capture_output": True, "text": True, "timeout": 120}
    init = subprocess.run([*_tracker(), "init"], **run)  # type: ignore[call-overload]
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "home" / "tracker.db").exists()
    assert oct((tmp_path / "home" / "tracker.db").stat().st_mode & 0o777) == "0o600"
    items = subprocess.run([*_tracker(), "items", "--json"], **run)  # type: ignore[call-overload]
    assert len(json.loads(items.stdout)) == 26
    bad = subprocess.run([*_tracker(), "mark", "99", "--region", "aktobe"], **run)  # type: ignore[call-overload]
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: unknown item 99 (the plan has items 1-26)"
