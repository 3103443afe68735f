"""A throwaway ``registry:2`` on loopback with the demo login, one per session.

``Registry(...).start()`` runs it on 127.0.0.1 (port 5000 when free) and returns once ``GET
/v2/`` answers 401: the server and its htpasswd auth are up. ``sessions.kit_registry()`` gives
the session's running one instead of starting a second, and clears what a crashed run left.
"""

from __future__ import annotations

import contextlib
from types import TracebackType

import docker
import docker.errors

from helpers import journal, settings, waiting
from helpers.errors import RegistryError
from helpers.kit import Kit
from helpers.registry import auth as registry_auth
from helpers.registry import ports, run_command
from helpers.registry.api import RegistryAPI
from helpers.registry.image import registry_image

READY_TIMEOUT = 30.0
POLL_INTERVAL = 0.02
START_ATTEMPTS = 3
ROLE = "registry"
"""The value of the kit's label on a session's own registry container."""


class Registry:
    """One registry container with htpasswd auth; a context manager that always cleans up."""

    def __init__(
        self,
        kit: Kit,
        port: int | None = None,
        image: str | None = None,
        ready_timeout: float = READY_TIMEOUT,
        login: tuple[str, str] = (settings.DEMO_USER, settings.DEMO_PASSWORD),
        role: str = ROLE,
    ) -> None:
        """``login`` is the one account the registry knows; ``role`` tells the session's
        registry (``registry``) from another it runs beside it, such as the tests' stand-in
        for Docker Hub, which gets a container name of its own."""
        self.kit = kit
        self.login = login
        self.role = role
        self.session = kit.session
        self.port = port
        self.port_is_fixed = port is not None  # else the kit picks one, and may pick again
        self.image = image
        self.ready_timeout = ready_timeout
        self.container: docker.models.containers.Container | None = None

    @property
    def address(self) -> str:
        """Return ``localhost:PORT``, the name the docker CLI uses for this registry."""
        return f"localhost:{self.port}"

    @property
    def url(self) -> str:
        """Return the base URL of the registry's HTTP API."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def name(self) -> str:
        """Return the container name, which is unique per session and role."""
        base = self.kit.registry_container
        return base if self.role == ROLE else f"{base}-{self.role}"

    def start(self) -> Registry:
        """Run the container and wait until the registry answers; retry if the port is taken."""
        self.image = self.image or registry_image(self.kit.client())
        try:
            self._start_on_a_port(self.image)
            self._wait_until_ready()
        except BaseException:  # an interrupted or failed start leaves nothing behind
            self.stop()
            raise
        journal.note(journal.START_REGISTRY)
        return self

    def _start_on_a_port(self, image: str) -> None:
        """Run the container on the fixed port, else on the port it had (a restart keeps its
        address when it can), else on the preferred or next free one."""
        for attempt in range(START_ATTEMPTS):
            if not self.port_is_fixed:
                had = self.port if attempt == 0 else None
                self.port = ports.pick(self.kit.environment.registry_port, had)
            try:
                self._run(image)
                break
            except docker.errors.APIError as error:
                self.stop()
                if self.port_is_fixed or not ports.taken_in(error) or attempt == START_ATTEMPTS - 1:
                    raise RegistryError(ports.start_failure(self.port, error)) from None

    def _run(self, image: str) -> None:
        self.container = self.kit.client().containers.create(
            image,
            name=self.name,
            detach=True,
            labels={settings.LABEL: self.role, settings.SESSION_LABEL: self.session},
            ports={"5000/tcp": ("127.0.0.1", self.port)},
            environment=run_command.ENVIRONMENT,
        )
        self.container.put_archive("/", registry_auth.auth_tar(*self.login))
        self.container.start()

    def _wait_until_ready(self) -> None:
        def ready() -> bool:
            if self.answers():
                return True
            if not self._still_running():  # a container that died never answers
                raise waiting.GiveUp
            return False

        if waiting.until(ready, timeout=self.ready_timeout, interval=POLL_INTERVAL):
            return
        logs = self.logs()
        self.stop()
        raise RegistryError(
            f"The registry on {self.address} did not become ready within "
            f"{self.ready_timeout:g} s and was removed. Its log:\n{logs or '(empty)'}"
        )

    def _still_running(self) -> bool:
        if self.container is None:
            return False
        try:
            self.container.reload()
        except docker.errors.NotFound:  # removed by someone else meanwhile
            return False
        return str(self.container.status) != "exited"

    @property
    def api(self) -> RegistryAPI:
        """Return the client of this registry's HTTP API, with its login."""
        return RegistryAPI(self.url, self.login)

    def answers(self) -> bool:
        """Tell whether the registry answers as a ready one with auth does."""
        return self.api.ready()

    def logs(self) -> str:
        """Return the container's log, or an empty string if there is no container."""
        if self.container is None:
            return ""
        try:
            return str(self.container.logs().decode(errors="replace")).strip()
        except docker.errors.APIError:
            return ""

    def stop(self) -> None:
        """Remove the container together with its anonymous storage volume."""
        if self.container is not None:
            remove_container(self.container)
            self.container = None
            journal.note(journal.STOP_REGISTRY)

    def restart_empty(self) -> Registry:
        """Replace the registry with an empty one (a clean slate for a step), on the same port
        unless another program took it meanwhile: then as ``start`` would choose."""
        self.stop()
        return self.start()

    def __enter__(self) -> Registry:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def remove_container(container: docker.models.containers.Container) -> None:
    """Remove a registry container with its volume, and return once its port is free again.

    The engine releases a published port a moment after the removal; waiting here means the
    next start sees port 5000 as it really is, instead of falling back to another port.
    """
    with contextlib.suppress(docker.errors.NotFound):
        container.reload()  # the ports it really holds (none if it never started)
    published = (container.attrs.get("NetworkSettings") or {}).get("Ports") or {}
    published_ports = {int(b["HostPort"]) for found in published.values() for b in found or []}
    with contextlib.suppress(docker.errors.NotFound):
        container.remove(force=True, v=True)
    ports.wait_until_released(published_ports, interval=POLL_INTERVAL)
