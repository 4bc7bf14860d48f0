"""The secret key that signs personal links: created by `tracker init`, readable by its owner.

Anyone holding the key can make a valid link for any recipient, so it lives in a file of its
own (never in the database, the repository or a log): `TRACKER_SECRET_KEY_FILE`, else beside
an SQLite database (`tracker.db` → `tracker.key`), else `secret.key` in the default data
folder.  Several hosts serving one PostgreSQL share the one file (copy it, or point
`TRACKER_SECRET_KEY_FILE` at a shared secret store).  A file that others may read is refused:
a key anyone on the machine can read signs nothing.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from tracker.errors import UserError

KEY_BYTES = 32
ENV = "TRACKER_SECRET_KEY_FILE"


def key_path(db_url: str, environ: Mapping[str, str] = os.environ) -> Path:
    """`TRACKER_SECRET_KEY_FILE`, else the SQLite file's name with `.key`, else `secret.key`
    in the default data folder."""
    if environ.get(ENV):
        return Path(environ[ENV]).expanduser()
    if db_url.startswith("sqlite:///") and db_url != "sqlite:///:memory:":
        return Path(db_url.removeprefix("sqlite:///")).with_suffix(".key")
    from tracker.store.database import default_database_path

    return default_database_path(environ).with_name("secret.key")


def ensure_key(db_url: str, environ: Mapping[str, str] = os.environ) -> tuple[Path, bool]:
    """The key file, created (owner-only, 0600) when missing: (its path, whether it is new)."""
    path = key_path(db_url, environ)
    if path.exists():
        read_key(db_url, environ)  # refuses a key others can read, or a damaged one
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(secrets.token_hex(KEY_BYTES) + "\n")
    return path, True


def read_key(db_url: str, environ: Mapping[str, str] = os.environ) -> bytes:
    """The key's bytes; a missing, open-to-others or malformed file is refused in words."""
    path = key_path(db_url, environ)
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise UserError.said("key.missing", file=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError.said("key.unreadable", file=path, reason=type(exc).__name__) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UserError.said("key.open", file=path, mode=f"{stat.S_IMODE(mode):o}")
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise UserError.said("key.malformed", file=path)
    return key
