"""What the platforms step needs: Docker's ``buildx`` plugin, for ``docker buildx imagetools``.

Docker Desktop and Docker's own docker-ce packages ship the plugin; Debian's and Ubuntu's
``docker.io`` do not (Debian 12 has no ``docker-buildx`` package at all; Debian 13 has 0.13.1,
whose program needs only glibc and runs on Debian 12). So, as with Debian 13's engine and the
credential helper, the kit unpacks Debian 13's package into its state folder and never installs
it. The docker CLI finds a plugin in ``cli-plugins`` of its config folder before the system's
folders, so the kit links its copy into the session's ``~/.docker/cli-plugins``: only the kit's
commands see it, and the user's own ``~/.docker`` is never touched.

``imagetools`` runs no builder: it copies manifests between registries and writes an index, with
the credentials ``docker login`` stored, so the default ``docker`` driver is enough.
"""

from __future__ import annotations

import os
from pathlib import Path

from helpers.engine import debian as debian_engine
from helpers.environment import Environment, state_dir
from helpers.errors import KitError
from helpers.kit import Kit
from helpers.paths import link_to

PACKAGE = "docker-buildx"
SUITE = "trixie"
"""Debian 13, whose package (0.13.1) the kit unpacks: Debian 12 has none."""
PLUGIN = "docker-buildx"
SYSTEM_FOLDERS = (
    "/usr/local/lib/docker/cli-plugins",
    "/usr/local/libexec/docker/cli-plugins",
    "/usr/lib/docker/cli-plugins",
    "/usr/libexec/docker/cli-plugins",
)
"""Where the docker CLI looks for plugins after its config folder (docker-ce puts buildx in one)."""
SKIP = "the other steps do not need it, so you can skip this one."


def kit_copy() -> Path | None:
    """Return the kit's unpacked plugin, if it is there."""
    found = state_dir() / "buildx" / SUITE / "root" / "usr" / "libexec" / "docker" / "cli-plugins"
    return found / PLUGIN if (found / PLUGIN).exists() else None


def installed(environment: Environment) -> Path | None:
    """Return a plugin the user has: in the system's plugin folders, or in their own
    ``~/.docker/cli-plugins`` (Docker Desktop links it there), which the kit's home hides."""
    own = environment.get("DOCKER_CONFIG") or os.path.join(environment.get("HOME", "~"), ".docker")
    for folder in (*SYSTEM_FOLDERS, os.path.join(own, "cli-plugins")):
        plugin = Path(folder) / PLUGIN
        if plugin.is_file() and os.access(plugin, os.X_OK):
            return plugin
    return None


def plugin(environment: Environment, fetch: bool = True) -> Path:
    """Return the buildx plugin the kit's commands use: its unpacked copy, else one the user
    has, else (with ``fetch``) Debian 13's package fetched and unpacked now; or say in a
    sentence why it cannot be had here."""
    copy = kit_copy()
    if copy is not None:
        return copy
    found = installed(environment)
    if found is not None:
        return found
    if not fetch or not debian_engine.supported():
        raise KitError(
            "This step needs Docker's buildx plugin, which this machine lacks: Docker Desktop "
            f"and docker-ce have it; with Debian's or Ubuntu's docker.io, install {PACKAGE} "
            f"(Debian 13 and later); {SKIP}"
        )
    folder = state_dir() / "buildx" / SUITE
    debian_engine.unpack(folder, SUITE, (PACKAGE,))
    copy = kit_copy()
    if copy is None:
        raise KitError(f"Debian's {PACKAGE} holds no {PLUGIN}: see {folder}; {SKIP}")
    return copy


def link(kit: Kit, fetch: bool = True) -> None:
    """Put the buildx plugin in the session's ``~/.docker/cli-plugins``, where the kit's docker
    CLI finds it first; say in a sentence if it cannot be had (``plugin``)."""
    found = plugin(kit.environment, fetch)
    target = kit.docker_config / "cli-plugins" / PLUGIN
    if target.is_symlink() and target.resolve() == found.resolve():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    link_to(target, str(found))  # not journaled: a learner's docker finds its own buildx
