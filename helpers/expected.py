"""What each image-store profile's outputs are expected to be, and how nbval compares them.

A notebook holds its prose and commands once. A code cell's ``outputs`` are the classic
store's, as the guide shows them; where the containerd store prints something else, the cell's
metadata holds that profile's outputs under ``docker-share-kit.outputs.<profile>``.

``notebooks/recorded-with.json`` names the engine each profile was recorded on. On that
engine and architecture every byte is compared (after ``sanitize/common.cfg``: the port and
the CLI's own wording). On another version of the same store, ``sanitize/<profile>-other-
version.cfg`` masks only what is proven to vary between versions; on another architecture,
``sanitize/other-architecture.cfg`` masks hashes and sizes, and the step checks hold the flow.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker

from helpers import image_store
from helpers.paths import PROJECT_ROOT, state_dir

NOTEBOOKS = PROJECT_ROOT / "notebooks"
RECORDED_WITH = NOTEBOOKS / "recorded-with.json"
SANITIZE = NOTEBOOKS / "sanitize"
METADATA_KEY = "docker-share-kit"


def cell_outputs(cell: Any, profile: str) -> list[Any]:
    """Return the outputs a code cell is expected to print on ``profile``."""
    variants = cell.get("metadata", {}).get(METADATA_KEY, {}).get("outputs", {})
    return list(variants.get(profile, cell.get("outputs", [])))


def set_cell_outputs(cell: Any, profile: str, outputs: list[Any]) -> None:
    """Store a profile's outputs in a code cell: classic's as its outputs, another profile's
    in its metadata, and only where they differ from classic's."""
    if profile == image_store.CLASSIC:
        cell["outputs"] = outputs
        return
    kit = cell.setdefault("metadata", {}).setdefault(METADATA_KEY, {})
    variants = kit.setdefault("outputs", {})
    if outputs == cell.get("outputs", []):
        variants.pop(profile, None)
    else:
        variants[profile] = outputs
    if not variants:
        kit.pop("outputs")
    if not kit:
        cell["metadata"].pop(METADATA_KEY)


def differing_cells(cells: Iterable[Any], profile: str) -> list[Any]:
    """Return the code cells whose outputs on ``profile`` differ from the classic store's."""
    return [
        c
        for c in cells
        if c.get("cell_type") == "code" and cell_outputs(c, profile) != c.get("outputs", [])
    ]


@dataclass(frozen=True)
class Setup:
    """The engine a profile runs on: its version, its architecture and the docker CLI's."""

    profile: str
    engine: str
    architecture: str
    client: str

    def as_json(self) -> dict[str, str]:
        """Return what ``recorded-with.json`` keeps of it."""
        return {"engine": self.engine, "architecture": self.architecture, "client": self.client}


def current_setup(client: docker.DockerClient) -> Setup:
    """Describe the engine at hand, its image store and the docker CLI on PATH."""
    info = client.version()
    cli = subprocess.run(
        ["docker", "version", "--format", "{{.Client.Version}}"],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", ""), "DOCKER_CONFIG": "/nonexistent"},
    ).stdout.strip()
    return Setup(image_store.detect(client), str(info["Version"]), str(info["Arch"]), cli)


def recorded_setups() -> dict[str, dict[str, str]]:
    """Return the engine each profile's stored outputs were recorded on."""
    return dict(json.loads(RECORDED_WITH.read_text()))


def write_recorded_with(setup: Setup) -> None:
    """Remember the engine a profile's stored outputs now come from."""
    setups = recorded_setups() if RECORDED_WITH.exists() else {}
    setups[setup.profile] = setup.as_json()
    RECORDED_WITH.write_text(json.dumps(setups, indent=2, sort_keys=True) + "\n")


def comparison(setup: Setup) -> tuple[str, list[Path]]:
    """Say how the engine's outputs are compared, and return the sanitize files that apply."""
    recorded = recorded_setups()[setup.profile]
    files = [SANITIZE / "common.cfg"]
    if recorded["architecture"] != setup.architecture:
        files.append(SANITIZE / "other-architecture.cfg")
        how = f"hashes and sizes masked (recorded on {recorded['architecture']})"
    elif recorded["engine"] != setup.engine:
        files.append(SANITIZE / f"{setup.profile}-other-version.cfg")
        how = f"what differs between versions masked (recorded on {recorded['engine']})"
    else:
        how = "byte for byte, as recorded"
    return how, files


def sanitize_file(setup: Setup) -> Path:
    """Write the sanitize rules that apply to this engine into one file (nbval takes one)."""
    files = comparison(setup)[1]
    combined = state_dir() / f"sanitize-{setup.profile}-{setup.engine}-{setup.architecture}.cfg"
    combined.parent.mkdir(parents=True, exist_ok=True)
    combined.write_text("\n".join(path.read_text() for path in files))
    return combined


def summary(setup: Setup) -> str:
    """Say in one line which profile is verified on which engine, and how."""
    who = image_store.PROFILES[setup.profile].who_sees_it
    return (
        f"Verifying the {setup.profile} image store's outputs ({who}) on Docker "
        f"{setup.engine} ({setup.architecture}): {comparison(setup)[0]}."
    )
