"""Installing Debian packages with apt-get, the way the kit does on a bare Debian or Ubuntu.

Only as root, only what is missing, never with a prompt, never at the cost of a package the
user has; everything apt prints goes to the kit's ``apt.log``. (``scripts/setup``, which runs
before Python is set up, does the same in bash.)
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from helpers import environment
from helpers.environment import state_dir
from helpers.errors import EngineUnavailable

APT_OPTIONS = [
    "-q",
    "-o",
    "DPkg::Lock::Timeout=120",  # wait for another apt (an unattended upgrade) to finish
    "-o",
    "Dpkg::Options::=--force-confdef",
    "-o",
    "Dpkg::Options::=--force-confold",  # keep the user's changed config files, never ask
]


def commands(packages: list[str]) -> list[list[str]]:
    """Return the apt-get commands that install ``packages``: nothing recommended alongside,
    and never at the cost of a package the user has (``--no-remove`` stops instead, as
    installing Debian's docker.io would remove Docker's ``containerd.io``)."""
    return [
        ["apt-get", *APT_OPTIONS, "update"],
        ["apt-get", *APT_OPTIONS, "install", "-y", "--no-install-recommends", "--no-remove",
         *packages],
    ]  # fmt: skip


def install(
    packages: list[str], why: str, progress: Callable[[str], None] = lambda line: None
) -> None:
    """Install Debian packages that are missing, quietly and without a prompt, after telling
    ``progress`` which and ``why``; say which if it fails."""
    missing = [p for p in packages if not _dpkg_installed(p)]
    if not missing:
        return
    progress(f"installing {', '.join(missing)} with apt-get: {why}")
    env = environment.current().child(DEBIAN_FRONTEND="noninteractive")
    log = state_dir() / "apt.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        for step in commands(missing):
            run = subprocess.run(
                step, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env
            )
            if run.returncode:
                raise EngineUnavailable(
                    f"Installing {', '.join(missing)} with apt-get failed; see {log}."
                )


def _dpkg_installed(package: str) -> bool:
    query = ["dpkg-query", "-W", "-f=${Status}", package]
    done = subprocess.run(query, capture_output=True, text=True)
    return done.returncode == 0 and "install ok installed" in done.stdout
