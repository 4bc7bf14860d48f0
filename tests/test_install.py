"""The installed command: starts light, finds its bundled plan from any folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HEAVY = ("sqlmodel", "sqlalchemy", "aiosmtplib", "apscheduler", "jinja2", "alembic", "yaml")


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
