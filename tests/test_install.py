"""The installed command: starts light, finds its bundled plan from any folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.helpers_campaign import smtp_env
from tests.smtp_server import SmtpTestServer

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
    assert "1 өңірде 4 тапсырма" in proc.stdout  # Kazakh, the default language
    loaded = proc.stderr.split("LOADED", 1)[1]
    for module in ("sqlmodel", "pydantic", "alembic", "yaml", "jinja2"):
        assert f"'{module}'" not in loaded, module


def test_core_tables_are_generated_from_the_models() -> None:
    """tracker.store.tables describes the tables without importing tracker.store.models: it is
    generated from them, and must be what the generator writes today."""
    from tracker.store.tablegen import TABLES_FILE, model_tables, render

    assert TABLES_FILE.read_text(encoding="utf-8") == render(model_tables()), (
        "tracker/store/tables.py is stale: run `python -m tracker.store.tablegen`")


def test_core_tables_match_the_models() -> None:
    """Every light table has exactly the model's columns, with the same column types, and the
    commands use those light tables."""
    from tracker.progress import marking, status
    from tracker.store import models
    from tracker.store import tables as coretables

    real_tables = {t.name: t for t in models.SQLModel.metadata.tables.values()}
    assert [t.name for t in coretables.TABLES] == list(real_tables)
    for light in coretables.TABLES:
        real = real_tables[light.name]
        assert set(light.columns.keys()) == set(real.columns.keys()), light.name
        for column in light.columns:
            real_type = real.columns[column.name].type
            assert type(column.type) is type(real_type), (light.name, column.name)
    assert marking.ASSIGNMENT is coretables.ASSIGNMENT and marking.EVENT is coretables.EVENT
    assert status.ASSIGNMENT is coretables.ASSIGNMENT


MODEL_MODULES = ("tracker.__main__", "tracker.store.models", "tracker.store.plansync")
UNWANTED = ("sqlmodel", "pydantic", "tracker.store.models", "sqlalchemy.orm",
            "sqlalchemy.dialects.postgresql")
"""What the commands below must not load: the models, the ORM (they work with Core statements
on plain connections; the ORM's import was a tenth of a second of every command), and, on
SQLite, the PostgreSQL dialect."""
"""What may import tracker.store.models (so SQLModel and pydantic): the schema itself, and loading
the plan (`init`, `plan load`); `__main__` runs the command line when imported."""

LIGHT_IMPORTS = f"""
import pkgutil, importlib, sys
import notifications, tracker
for package in (tracker, notifications):
    for found in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if found.name not in {MODEL_MODULES!r}:
            importlib.import_module(found.name)
print([m for m in {UNWANTED!r} if m in sys.modules])
"""

LIGHT_COMMANDS = f"""
import json, sys
from tracker.cli.main import cli
db, now = sys.argv[1:3]
codes = []
for args in json.loads(sys.argv[3]):
    try:
        codes.append(cli(["--db", db, "--now", now, *args], standalone_mode=False) or 0)
    except SystemExit as exit:
        codes.append(exit.code)
sys.stderr.write("CODES " + json.dumps(codes) + "\\n")
sys.stderr.write("LOADED " + json.dumps([m for m in {UNWANTED!r} if m in sys.modules]) + "\\n")
"""


def test_modules_import_no_sqlmodel() -> None:
    """Every module but the schema and the plan loader imports without SQLModel or pydantic."""
    proc = subprocess.run([sys.executable, "-c", LIGHT_IMPORTS], capture_output=True, text=True,
                          env=_env(), check=True)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_commands_run_without_sqlmodel(tmp_path: Path, smtp_server: SmtpTestServer) -> None:
    """Reading, marking, reminding, mailing, reports and contacts never load tracker.store.models:
    run in one process (after `init`, which does), they leave SQLModel and pydantic out."""
    db = f"sqlite:///{tmp_path / 'tracker.db'}"
    subprocess.run([sys.executable, "-m", "tracker", "--db", db, "init"], capture_output=True,
                   check=True)
    commands = [
        ["contacts", "load", str(REPO / "contacts.example.yaml")], ["contacts", "gaps"],
        ["status", "--json"], ["digest", "--json"], ["remind", "preview", "--json"],
        ["remind", "send", "--json"], ["digest", "--send"], ["outbox", "--json"],
        ["mark", "5", "--region", "aktobe"], ["unmark", "5", "--region", "aktobe"],
        ["history", "--json"], ["report", "set", "aktobe", "--school-assemblies", "3"],
        ["report", "media", "add", "aktobe", "--outlet", "Ақтөбе", "--date", "2017-04-12"],
        ["report", "submit", "aktobe"], ["report", "show", "--json"],
        ["doctor", "--no-smtp", "--json"],
    ]
    env = {**_env(), **smtp_env(smtp_server)}
    proc = subprocess.run([sys.executable, "-c", LIGHT_COMMANDS, db, "2017-04-24T10:00+06:00",
                           json.dumps(commands)], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    codes = json.loads(proc.stderr.split("CODES ", 1)[1].splitlines()[0])
    assert codes == [0] * len(commands), (codes, proc.stderr)
    assert len(smtp_server.messages) > 2  # reminders and the digest really went out
    assert proc.stderr.split("LOADED ", 1)[1].strip() == "[]", proc.stderr


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
    assert bad.stderr.strip() == "қате: № 99 іс-шара жоқ (жоспардағы іс-шаралар: 1-26)"
