"""The kit's world for one session: its name, its folders and the engine it works with.

A ``Kit`` is made once where a run begins (a CLI verb, a notebook's ``steps.start``, a test
fixture), from the environment that entry point read (``helpers.environment``), and passed to
what needs it: the registry of the session, the shell runner, the step set-ups and checks.
Nothing below those entry points chooses the session, the engine, the registry's port or the
``docker`` CLI again (machine-wide folders such as the unpacked engines come from
``environment.state_dir``).

Every session (``main`` for a person, one per test worker) has its own home folder with its
own ``.docker`` config, so parallel runs never share credentials, and the user's own
``~/.docker`` is never the kit's.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import docker

from helpers import settings
from helpers.engine import host as engine
from helpers.environment import Environment, current, state_dir
from helpers.errors import KitError
from helpers.hub.remote import Remote
from helpers.settings import HUB_SESSION, MAIN_SESSION

__all__ = ["MAIN_SESSION", "Kit", "kernels_folder", "session_folder"]


@dataclass(frozen=True)
class Kit:
    """One session of the kit, on one engine."""

    session: str
    engine_host: str
    """Where the engine answers (``unix://...`` or ``tcp://...``), as the docker CLI finds it."""
    state_dir: Path
    """The kit's state folder, shared by every session (engines, tools, sessions)."""
    command_path: tuple[str, ...] = ()
    """Folders the shell runner's commands search after the kit's own tools: none, except in
    the credential-helper step (``steps.kit_for``)."""
    remote: Remote | None = None
    """The reader's own account in Docker Hub mode (``helpers.hub.remote``), else ``None``."""
    environment: Environment = field(default_factory=Environment)
    """The environment the entry point read: the registry's preferred port, the ``PATH`` the
    ``docker`` CLI is found on, the TLS settings of ``engine_host``."""

    @classmethod
    def from_environment(
        cls, session: str | None = None, environment: Environment | None = None
    ) -> Kit:
        """Make the kit of ``session`` (else ``$KIT_SESSION``, else ``main``, or ``hub`` in
        Docker Hub mode) on the engine the docker CLI would use, with the state folder
        ``$KIT_STATE_DIR`` or ``.kit``, and the account ``$KIT_HUB_USER`` names, if any: all
        read from ``environment``, this process's unless given."""
        environment = current() if environment is None else environment
        remote = Remote.from_environment(environment.variables)
        default = HUB_SESSION if remote is not None else MAIN_SESSION
        name = session or environment.session or default
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name in (".", ".."):
            raise KitError(
                f"KIT_SESSION may hold letters, digits, '.', '_' and '-' only, not {name!r}: "
                "set it to a name such as `main` and try again."
            )
        host = engine.engine_host(environment)
        return cls(name, host, environment.state_dir, remote=remote, environment=environment)

    @property
    def folder(self) -> Path:
        """Return the session's folder: all it holds on disk, removed with it."""
        return session_folder(self.session, self.state_dir)

    @property
    def home(self) -> Path:
        """Return the folder the shell runner uses as ``$HOME`` and working directory."""
        return self.folder / "home"

    @property
    def docker_config(self) -> Path:
        """Return the session's Docker config folder (``~/.docker`` in its home)."""
        return self.home / ".docker"

    @property
    def gnupg_home(self) -> Path:
        """Return the session's GnuPG home (``GNUPGHOME`` for every command the kit runs)."""
        return self.home / settings.GNUPG_FOLDER

    @property
    def registry_container(self) -> str:
        """Return the name of the session's registry container."""
        return settings.REGISTRY_CONTAINER.format(session=self.session)

    @property
    def docker_cli(self) -> str:
        """Return the ``docker`` CLI the kit's commands run: the first on its ``PATH``."""
        return shutil.which("docker", path=self.environment.search_path) or "docker"

    def client(self) -> docker.DockerClient:
        """Return the client of this kit's engine, or explain in a sentence why it does not
        answer (``engine.client_of``)."""
        return engine.client_of(self.engine_host, self.environment)


def session_folder(session: str, state: Path | None = None) -> Path:
    """Return a session's folder in the kit's state folder (``state_dir()`` unless given)."""
    return (state or state_dir()) / "sessions" / session


def kernels_folder(session: str, state: Path | None = None) -> Path:
    """Return where a session's verification runs keep their kernels' connection files, which
    ``python -m helpers down`` removes (jupyter_client would put them in the machine's
    temporary folder)."""
    return session_folder(session, state) / "kernels"
