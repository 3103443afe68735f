"""Every setting the kit takes from its process's environment, read here and nowhere else.

An entry point (a ``python -m helpers`` verb, a notebook's first cell, the test run, a
maintainer's script) reads the environment once, as an ``Environment``, and hands it on: in a
``Kit`` to what works for a session, and as ``child()`` to the processes it starts. So a test
run can give its notebooks' kernels and its commands another engine, session or port without
writing its own ``os.environ``. ``current()`` is for the few machine-wide places that have no
kit (where the unpacked engines live, which engine ``scripts/setup`` starts).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from helpers.paths import PROJECT_ROOT

SESSION = "KIT_SESSION"
"""The kit session to work in (``main`` unless set; each test worker has its own)."""
STATE_DIR = "KIT_STATE_DIR"
"""The kit's state folder (``.kit`` in the project unless set)."""
REGISTRY_PORT = "KIT_REGISTRY_PORT"
"""The port a session's registry tries first (5000 unless set)."""
LANGUAGE = "KIT_LANGUAGE"
"""The language of the kit's sentences: ``zh`` in the Chinese notebooks' kernel, ``en`` in the
English one's; unset, the reader's locale decides."""
LOCALE = ("LC_ALL", "LC_MESSAGES", "LANG")
"""Where the reader's locale is named, the first set first, as ``setlocale`` reads them."""
DOCKER_HOST = "DOCKER_HOST"
"""The engine the user chose, as the docker CLI reads it."""
DOCKER_TLS = ("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH")
"""How to reach a ``DOCKER_HOST`` over TLS, handed on with it."""
DEFAULT_SEARCH_PATH = "/usr/local/bin:/usr/bin:/bin"


@dataclass(frozen=True)
class Environment:
    """A snapshot of a process's environment variables, and the kit's settings read from it."""

    variables: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "variables", MappingProxyType(dict(self.variables)))

    def get(self, name: str, default: str = "") -> str:
        """Return a variable's value, or ``default`` when it is unset or empty."""
        return self.variables.get(name) or default

    def has(self, name: str) -> bool:
        """Tell whether a variable is set and not empty."""
        return bool(self.variables.get(name))

    def with_values(self, **values: str) -> Environment:
        """Return this environment with some variables set to other values."""
        return Environment({**self.variables, **values})

    def without(self, *names: str) -> Environment:
        """Return this environment with some variables unset."""
        return Environment({k: v for k, v in self.variables.items() if k not in names})

    def child(self, **values: str) -> dict[str, str]:
        """Return the environment of a process started from this one, with some variables
        set to other values."""
        return {**self.variables, **values}

    @property
    def session(self) -> str:
        """Return the session named by ``$KIT_SESSION``, or ``""``."""
        return self.get(SESSION)

    @property
    def state_dir(self) -> Path:
        """Return the kit's state folder (``$KIT_STATE_DIR`` or ``.kit`` in the project)."""
        return Path(self.get(STATE_DIR) or PROJECT_ROOT / ".kit").resolve()

    @property
    def registry_port(self) -> str:
        """Return ``$KIT_REGISTRY_PORT`` as written, or ``""`` (``ports.preferred`` checks it)."""
        return self.get(REGISTRY_PORT)

    @property
    def language(self) -> str:
        """Return the language of the kit's sentences: ``zh`` or ``en``, as ``$KIT_LANGUAGE``
        says, else as the reader's locale does (``LANG=zh_CN.UTF-8`` gives ``zh``)."""
        chosen = self.get(LANGUAGE)
        if not chosen:
            chosen = next((self.get(name) for name in LOCALE if self.has(name)), "")
        return "zh" if chosen.startswith("zh") else "en"

    @property
    def search_path(self) -> str:
        """Return ``$PATH``: where the kit finds ``docker`` and the other tools it links."""
        return self.get("PATH", DEFAULT_SEARCH_PATH)

    @property
    def docker_host(self) -> str:
        """Return the engine ``$DOCKER_HOST`` names, or ``""`` when the user named none."""
        return self.get(DOCKER_HOST)

    def docker_tls(self) -> dict[str, str]:
        """Return the TLS settings that go with ``$DOCKER_HOST``, those that are set."""
        return {name: self.variables[name] for name in DOCKER_TLS if self.has(name)}


def current() -> Environment:
    """Read this process's environment now."""
    return Environment(os.environ)


def state_dir() -> Path:
    """Return the kit's state folder as this process's environment names it, for machine-wide
    folders that no one session owns (a kit's own is ``Kit.state_dir``)."""
    return current().state_dir
