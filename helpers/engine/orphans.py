"""Find and stop the private engines of test runs that were killed before they could stop them.

A private engine notes the pid of the process that started it (``owner`` in its exec root);
an engine whose owner is gone is an orphan. ``python -m helpers down --all`` stops them.
"""

from __future__ import annotations

import os

from helpers.engine import processes
from helpers.engine.private import DATA_ROOT, RUN_ROOT, PrivateEngine, supported


def orphaned(engine: PrivateEngine) -> bool:
    """Tell whether the process that started the engine is gone (killed, say): a zombie counts
    as gone, as where PID 1 is slow to reap, or never does, in a container."""
    try:
        owner = int((engine.exec_root / "owner").read_text())
        os.kill(owner, 0)
    except (OSError, ValueError):
        return True
    return processes.is_zombie(owner)


def stop_orphans() -> int:
    """Stop the private engines whose test run was killed; return how many there were.

    Engines of runs still going are left alone.
    """
    if not supported():
        return 0
    found = [p.name for root in (RUN_ROOT, DATA_ROOT) if root.is_dir() for p in root.iterdir()]
    engines = [PrivateEngine(name) for name in sorted({n.removesuffix(".log") for n in found})]
    orphans = [engine for engine in engines if orphaned(engine)]
    for engine in orphans:
        engine.stop()
    return len(orphans)
