"""`tracker evidence save DIGEST FILE`: staff take out a file an agency attached to a report.

The page stores each evidence file once, by its SHA-256 digest (tracker.evidence);
`tracker history --json` names it (`evidence.digest`, `evidence.name`) beside the change it
backs.  This writes its bytes to a file of the caller's choice (never over an existing one).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.params import BoundedText

if TYPE_CHECKING:
    from tracker.cli.context import Invocation


@click.group()
def evidence() -> None:
    """Files agencies attached to their reports through their link."""


@evidence.command("save")
@click.argument("digest", type=BoundedText(64))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def save(inv: Invocation, digest: str, file: Path) -> None:
    """Write the uploaded file DIGEST (its SHA-256, or the first 8 or more of its digits) to
    FILE.

    \b
    Example:
      tracker history --json       # evidence.digest of a change
      tracker evidence save d6636400887 akmola-5.pdf
    """
    from tracker.errors import UserError
    from tracker.evidence import load
    from tracker.wording import say

    with inv.database().reading() as conn:
        found = load(conn, digest)
    if found is None:
        raise UserError(say(inv.lang, "evidence.unknown", digest=digest))
    upload, data = found
    try:
        with file.open("xb") as out:
            out.write(data)
    except FileExistsError:
        raise UserError(say(inv.lang, "evidence.exists", file=str(file))) from None
    except OSError as failed:
        raise UserError(f"{file}: {failed.strerror}") from None
    click.echo(say(inv.lang, "evidence.saved", file=str(file), name=upload.name,
                   kind=upload.media_type, size=upload.size))


COMMANDS = [evidence]
