"""Which engine the stored outputs were recorded with, and how nbval should compare them.

Digests in the stored outputs come from the recording engine's gzip and the demo program of
its architecture. On that engine every hash must match; on another one the hashes are masked
(``sanitize-other-engine.cfg``) and the step checks still demand one digest for the whole flow.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from helpers import engine
from helpers.paths import PROJECT_ROOT, state_dir

NOTEBOOKS = PROJECT_ROOT / "notebooks"
RECORDED_WITH = NOTEBOOKS / "recorded-with.json"
SANITIZE = NOTEBOOKS / "sanitize.cfg"
SANITIZE_OTHER_ENGINE = NOTEBOOKS / "sanitize-other-engine.cfg"


def current_setup() -> dict[str, str]:
    """Return the engine version, its architecture and the docker CLI's version."""
    info = engine.client().version()
    client = subprocess.run(
        ["docker", "version", "--format", "{{.Client.Version}}"],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", ""), "DOCKER_CONFIG": "/nonexistent"},
    ).stdout.strip()
    return {"engine": str(info["Version"]), "architecture": str(info["Arch"]), "client": client}


def write_recorded_with() -> None:
    """Remember the set-up the stored outputs come from."""
    RECORDED_WITH.write_text(json.dumps(current_setup(), indent=2, sort_keys=True) + "\n")


def same_engine_as_recorded() -> bool:
    """Tell whether this engine and architecture are the ones the outputs were recorded with."""
    recorded = json.loads(RECORDED_WITH.read_text())
    now = current_setup()
    return all(recorded[key] == now[key] for key in ("engine", "architecture"))


def sanitize_file() -> Path:
    """Return the sanitize file nbval should use on this engine."""
    if same_engine_as_recorded():
        return SANITIZE
    combined = state_dir() / "sanitize-other-engine.cfg"
    combined.parent.mkdir(parents=True, exist_ok=True)
    combined.write_text(SANITIZE.read_text() + "\n" + SANITIZE_OTHER_ENGINE.read_text())
    return combined
