"""Which engine-and-CLI pairs were recorded, on what, and which one the Docker at hand is held to.

``notebooks/recorded-with.json`` names each recorded pair's engine, CLI and architecture and
the values it printed that differ between engines (``helpers.lesson.engine_values``): every
stored output of a store is written with its reference pair's values
(``helpers.lesson.expected`` writes in those of the engine at hand).
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from typing import Any

import docker

from helpers.engine import image_store, pairs
from helpers.errors import KitError
from helpers.paths import NOTEBOOKS

RECORDED_WITH = NOTEBOOKS / "recorded-with.json"


@dataclass(frozen=True)
class Versions:
    """The Docker at hand: its image store, engine, the ``docker`` CLI on PATH, architecture."""

    store: str
    engine: str
    client: str
    architecture: str

    def as_json(self) -> dict[str, str]:
        """Return what ``recorded-with.json`` keeps of it."""
        return {
            "store": self.store,
            "engine": self.engine,
            "client": self.client,
            "architecture": self.architecture,
        }


def current_versions(client: docker.DockerClient, docker_cli: str) -> Versions:
    """Describe the engine at hand, its image store and the docker CLI (``Kit.docker_cli``
    for a kit's)."""
    info = client.version()
    cli = subprocess.run(
        [docker_cli, "version", "--format", "{{.Client.Version}}"],
        capture_output=True,
        text=True,
        env={"DOCKER_CONFIG": "/nonexistent"},
    ).stdout.strip()
    return Versions(image_store.detect(client), str(info["Version"]), cli, str(info["Arch"]))


def recorded() -> dict[str, dict[str, Any]]:
    """Return each recorded pair: its versions and the values it printed."""
    return dict(json.loads(RECORDED_WITH.read_text()))


def write_recorded(pair: str, versions: Versions, values: dict[str, str]) -> None:
    """Remember the pair a recording ran on and the values it printed, beside those an
    earlier recording of other notebooks read (a value read now replaces its old reading)."""
    pairs_seen = recorded() if RECORDED_WITH.exists() else {}
    known = {**pairs_seen.get(pair, {}).get("values", {}), **values}
    pairs_seen[pair] = {**versions.as_json(), "values": dict(sorted(known.items()))}
    RECORDED_WITH.write_text(json.dumps(pairs_seen, indent=2, sort_keys=True) + "\n")


def verified_engines(store: str) -> list[str]:
    """Return the engine versions a store's outputs were recorded and are verified on
    (``20.10.24``, say: Debian's ``+dfsg`` suffix left out), oldest first."""
    found = {seen["engine"].split("+")[0] for seen in recorded().values() if seen["store"] == store}
    return sorted(found, key=lambda version: [int(part) for part in re.findall(r"\d+", version)])


def _major(version: str) -> int:
    found = re.match(r"\d+", version)
    return int(found.group(0)) if found else 0


def nearest_pair(versions: Versions) -> str:
    """Return the recorded pair whose outputs the Docker at hand is held to: the pair with its
    store, engine and CLI, else the one of its store whose CLI (which words the messages), then
    engine, is nearest in major version, the reference pair first among equals."""
    same_store = {
        name: seen for name, seen in recorded().items() if seen["store"] == versions.store
    }
    if not same_store:
        raise KitError(f"No pair of the {versions.store} image store has been recorded.")
    reference = pairs.REFERENCE[versions.store].name

    def distance(name: str) -> tuple[int, int, bool]:
        seen = same_store[name]
        return (
            abs(_major(seen["client"]) - _major(versions.client)),
            abs(_major(seen["engine"]) - _major(versions.engine)),
            name != reference,
        )

    for name, seen in same_store.items():
        if is_recorded_as(seen, versions):
            return name
    return min(same_store, key=distance)


def is_recorded_as(seen: dict[str, Any], versions: Versions) -> bool:
    """Tell whether a recorded pair ran on the very engine, CLI and architecture at hand."""
    recorded_as = (seen["engine"], seen["client"], seen["architecture"])
    return recorded_as == (versions.engine, versions.client, versions.architecture)


def summary(versions: Versions) -> str:
    """Say in one line which pair's outputs the Docker at hand is held to, and how."""
    pair = nearest_pair(versions)
    seen = recorded()[pair]
    exact = is_recorded_as(seen, versions)
    held_to = (
        f"as recorded on this pair ({pair})"
        if exact
        else f"held to those recorded on {pair} (engine {seen['engine']}, CLI {seen['client']}), "
        "the nearest pair"
    )
    return (
        f"Verifying the {versions.store} image store on Docker {versions.engine} with CLI "
        f"{versions.client} ({versions.architecture}): {held_to}; every byte compared, with the "
        "digests, IDs, sizes and port read from this engine and its registry."
    )


def reference_values(store: str) -> dict[str, str]:
    """Return the values every stored output of a store is written with: its reference
    pair's."""
    return dict(recorded()[pairs.REFERENCE[store].name]["values"])
