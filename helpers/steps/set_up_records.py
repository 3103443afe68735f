"""What a step's set-up noted for its check: facts the learner's own files cannot vouch for.

A check that read them from the learner's home (their saved manifest, say) would believe
whatever the learner saved there; the set-up notes them in the session's folder instead, next
to the home, never in it. A record is one small JSON object per step, written last thing in
the set-up, so that it is there only if the set-up ended.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from helpers.errors import KitError, StepIncomplete
from helpers.kit import Kit


def _path(kit: Kit, step: str) -> Path:
    return kit.folder / "set-up" / f"{step}.json"


def keep(kit: Kit, step: str, record: dict[str, Any]) -> None:
    """Note what the set-up of ``step`` left, for its check."""
    path = _path(kit, step)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1))


def read(kit: Kit, step: str) -> dict[str, Any]:
    """Return what the set-up of ``step`` noted; say in a sentence to run it if it did not."""
    path = _path(kit, step)
    if not path.exists():
        raise StepIncomplete(
            "This step's set-up has not run in this session: run this notebook's first cell."
        )
    return dict(json.loads(path.read_text()))


def engine_now(kit: Kit) -> str:
    """Return the engine's clock now as the events API takes it (``seconds.nanoseconds``): the
    engine's, not this machine's, since Docker Desktop's engine runs in a machine of its own."""
    said = str(kit.client().info()["SystemTime"])  # RFC 3339: 2026-12-06T07:23:25.123456789Z
    match = re.fullmatch(r"(\S{19})(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", said)
    if match is None:
        raise KitError(f"The engine tells its time in a way the kit does not read: {said!r}.")
    whole, fraction, zone = match.groups()
    moment = datetime.fromisoformat(whole + zone.replace("Z", "+00:00"))
    return f"{int(moment.timestamp())}.{(fraction or '').ljust(9, '0')[:9]}"
