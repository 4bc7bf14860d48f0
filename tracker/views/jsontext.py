"""JSON text as the commands write it into a pipe: compact, UTF-8 as is."""

from __future__ import annotations

import json
from typing import Any

_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def compact(value: Any) -> str:
    """JSON text as `emit_json` writes it into a pipe (no spaces, UTF-8 text as is).

    One encoder for every call: `json.dumps` with options builds a new one each time, which
    costs more than encoding a short string.  The values are plain data built here, never
    cyclic, so the encoder need not keep track of the containers it is in.
    """
    return _COMPACT.encode(value)
