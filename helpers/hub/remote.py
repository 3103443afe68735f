"""Docker Hub mode: the reader's own account on a registry that is not the kit's.

With ``KIT_HUB_USER`` and ``KIT_HUB_TOKEN`` set (an access token, never a password), steps 2
to 6 run against Docker Hub instead of the kit's registry. The commands in the notebooks stay
as the guide types them; the shell runner maps each one as it runs (``Remote.mapped``):
``localhost:5000/learner/hello-world`` becomes ``USER/hello-world`` (Docker Hub's short form of
``docker.io/USER/hello-world``), the login reads the token from the environment, and whatever
a command prints has the token masked (``Remote.masked``). ``KIT_HUB_REGISTRY`` names another
registry than Docker Hub: the tests use a second local registry that stands in for it, with
its own address, login and namespace.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import requests

from helpers import settings
from helpers.errors import KitError

USER_VARIABLE = "KIT_HUB_USER"
TOKEN_VARIABLE = "KIT_HUB_TOKEN"
REGISTRY_VARIABLE = "KIT_HUB_REGISTRY"
VARIABLES = (USER_VARIABLE, TOKEN_VARIABLE, REGISTRY_VARIABLE)
HUB = "docker.io"
HUB_CONFIG_KEY = "https://index.docker.io/v1/"
"""The key the docker CLI files a Docker Hub login under in ``config.json``."""
HUB_API = "https://registry-1.docker.io/v2/"
HIDDEN = "<hidden>"

DOCKER_ID = re.compile(r"[A-Za-z0-9]{4,30}")
"""What Docker Hub accepts as a Docker ID (an email address is not one)."""
HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?")

PUSHED = re.compile(r"^\S+: digest: (sha256:[0-9a-f]{64}) size: \d+$", re.MULTILINE)
"""The line ``docker push`` ends with: ``TAG: digest: sha256:... size: N``."""


@dataclass(frozen=True)
class Remote:
    """A registry the reader has an account on, and that account."""

    host: str
    """The registry: ``docker.io``, or ``127.0.0.1:PORT`` for the tests' stand-in."""
    user: str
    token: str = field(repr=False)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Remote | None:
        """Return the account the environment names, or ``None`` when it names none; refuse
        half an account, or one the registry could never take, in one sentence."""
        user, token = environ.get(USER_VARIABLE, ""), environ.get(TOKEN_VARIABLE, "")
        host = environ.get(REGISTRY_VARIABLE) or HUB
        if not user and not token:
            return None
        if not user or not token:
            raise KitError(
                f"Docker Hub mode needs both {USER_VARIABLE} (your Docker ID) and "
                f"{TOKEN_VARIABLE} (an access token): set both, or unset both for the local "
                "tutorial."
            )
        if not DOCKER_ID.fullmatch(user):
            raise KitError(
                f"{USER_VARIABLE} must be your Docker ID (4 to 30 letters and digits, as on "
                f"hub.docker.com), not {user!r}: set it and run again."
            )
        if not HOST.fullmatch(host):
            raise KitError(f"{REGISTRY_VARIABLE} must be a host[:port], not {host!r}.")
        return cls(host, user, token)

    @property
    def namespace(self) -> str:
        """Return the account's namespace: its repositories are ``NAMESPACE/NAME``."""
        return self.user.lower()

    @property
    def config_key(self) -> str:
        """Return the key ``docker login`` files this registry's credentials under."""
        return HUB_CONFIG_KEY if self.host == HUB else self.host

    @property
    def api_url(self) -> str:
        """Return the registry's ``/v2/`` endpoint, which answers anyone (401 without a login)."""
        return HUB_API if self.host == HUB else f"http://{self.host}/v2/"

    def repository(self, guide_repository: str) -> str:
        """Return, as the docker CLI names it, the account's repository for one of the guide's
        (``learner/hello-world`` and ``library/tinybase`` both move into the namespace).

        Docker Hub's is written without ``docker.io/``: the engine's ``reference`` filter
        (``docker image ls NAME``) finds nothing for a name that starts with it."""
        return f"{self.prefix}{guide_repository.rsplit('/', 1)[-1]}"

    @property
    def prefix(self) -> str:
        """Return what the account's image names start with: ``USER/`` on Docker Hub, else
        ``HOST/USER/``."""
        return f"{self.namespace}/" if self.host == HUB else f"{self.host}/{self.namespace}/"

    def name(self, guide_repository: str, tag: str) -> str:
        """Return the image name of the guide's ``repository:tag`` in this account."""
        return f"{self.repository(guide_repository)}:{tag}"

    def mapped(self, command: str) -> str:
        """Return one of the guide's commands as it runs against this registry."""
        for namespace in (settings.DEMO_USER, "library"):
            command = command.replace(f"{settings.GUIDE_ADDRESS}/{namespace}/", self.prefix)
        # Docker Hub is the registry a login or logout names by naming none: measured with CLI
        # 28.2, `docker logout docker.io` leaves the login under its key in place.
        bare = f" {settings.GUIDE_ADDRESS}"
        command = command.replace(bare, "" if self.host == HUB else f" {self.host}")
        command = command.replace(settings.GUIDE_ADDRESS, self.host)
        for option in ("--username", "-u"):
            command = command.replace(f"{option} {settings.DEMO_USER}", f"{option} {self.user}")
        if settings.PASSWORD_INPUT in command:
            command = f'echo "${TOKEN_VARIABLE}" | ' + command.replace(
                settings.PASSWORD_INPUT, " --password-stdin"
            )
        return command

    def masked(self, text: str) -> str:
        """Return what a command printed with the token hidden, also as ``config.json``
        stores it (base64 of ``USER:TOKEN``)."""
        stored = base64.b64encode(f"{self.user}:{self.token}".encode()).decode()
        return text.replace(stored, HIDDEN).replace(self.token, HIDDEN)

    def environment(self) -> dict[str, str]:
        """Return what a mapped command needs in its environment: the token, for the login."""
        return {TOKEN_VARIABLE: self.token}

    def auth_config(self) -> dict[str, str]:
        """Return the login the engine presents when the kit asks the registry itself."""
        return {"username": self.user, "password": self.token}

    def require_reachable(self) -> None:
        """Raise one sentence unless the registry answers over the network."""
        try:
            requests.get(self.api_url, timeout=10)
        except requests.RequestException:
            raise KitError(
                f"{self.api_url} cannot be reached from this machine, so Docker Hub mode "
                "cannot run here; the local tutorial (scripts/tutorial) needs no network."
            ) from None

    def pushes_file(self, state: Path) -> Path:
        """Return where the kit keeps the digests it pushed to this account: in the state
        folder, which outlives every session's."""
        return state / "hub" / f"{self.host.replace(':', '_')}-{self.namespace}-pushed.txt"

    def pushed(self, state: Path) -> set[str]:
        """Return the digests the kit has pushed to this account."""
        path = self.pushes_file(state)
        return set(path.read_text().split()) if path.exists() else set()

    def remember_push(self, printed: str, state: Path) -> None:
        """Keep the digests a ``docker push`` printed, as pushed by the kit: what the kit
        pushed, it may push over again (``hub_account.refuse_foreign``)."""
        new = set(PUSHED.findall(printed)) - self.pushed(state)
        if new:
            path = self.pushes_file(state)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a") as record:
                record.writelines(f"{digest}\n" for digest in sorted(new))
