"""The demo image built for each platform: its archive, how it is loaded, and whether the
engine runs it.

The platforms step loads both builds on any machine. An engine runs its own platform's
programs, and another's only where it emulates them: Docker Desktop runs arm64 and amd64
alike (QEMU or Rosetta in its VM); a Linux engine runs a foreign program only where
binfmt_misc hands it to QEMU, for the whole machine. The step's run cells print
``Hello World`` or fail with ``exec format error`` by this, so its set-up and the
verification ask the engine itself (``runnable_platforms``): they run the foreign build once.
"""

from __future__ import annotations

import contextlib
import dataclasses

import docker
import docker.errors

from helpers import settings
from helpers.demo import images
from helpers.demo.archive import ImageSpec
from helpers.demo.elf import MESSAGE
from helpers.demo.specs import hello_spec
from helpers.errors import ImageError

ARCHIVES = {f"hello-world-{architecture}.tar": architecture for architecture in settings.PLATFORMS}
"""The demo image built for each platform, which the platforms step loads (on any machine)."""

NO_EMULATION = "exec format error"
"""What the kernel says when it is asked to start another processor's program."""


def platform_spec(architecture: str) -> ImageSpec:
    """Describe the demo image built for one platform, named by it
    (``learner/hello-world:arm64``): with one name for both, the second load would take it
    from the first."""
    spec = hello_spec(architecture)
    return dataclasses.replace(spec, repo_tags=[f"{settings.DEMO_REPOSITORY}:{architecture}"])


def load(client: docker.DockerClient, architecture: str, journaled: bool = True) -> bool:
    """Load the demo image built for one platform under its platform name, as the platforms
    step's learner does; tell whether that name was not there yet."""
    spec = platform_spec(architecture)
    absent = images.present(client, spec) is None
    images.load(client, spec, f"hello-world-{architecture}.tar", journaled)
    return absent


def _runs(client: docker.DockerClient, architecture: str) -> bool:
    """Run the demo program built for ``architecture`` once; tell whether it ran (a name it
    loaded goes again). Its exit status decides: an engine whose log driver keeps nothing
    readable still reports it."""
    name = platform_spec(architecture).repo_tags[0]
    loaded_here = load(client, architecture, journaled=False)  # the kit's own question
    container = None
    try:
        try:
            container = client.containers.create(name, platform=f"linux/{architecture}")
            container.start()
        except docker.errors.APIError as error:  # a newer runc refuses before the program
            if NO_EMULATION in str(error):
                return False
            raise ImageError(
                f"Running the demo program built for linux/{architecture} failed: {error}"
            ) from None
        status = int(container.wait(timeout=60)["StatusCode"])
        printed = b""
        with contextlib.suppress(docker.errors.APIError):  # a log driver that keeps nothing
            printed = container.logs()
    finally:
        if container is not None:
            with contextlib.suppress(docker.errors.APIError):
                container.remove(force=True)
        if loaded_here:
            with contextlib.suppress(docker.errors.APIError):  # ImageNotFound is one
                client.images.remove(name, noprune=True)
    if status != 0 and printed and NO_EMULATION not in printed.decode(errors="replace"):
        raise ImageError(
            f"The demo program built for linux/{architecture} ended with status {status}: "
            f"{printed.decode(errors='replace').strip()}"
        )
    if status == 0 and printed not in (b"", MESSAGE):
        raise ImageError(
            f"The demo program built for linux/{architecture} printed {printed!r}, not {MESSAGE!r}."
        )
    return status == 0


def runnable_platforms(client: docker.DockerClient) -> frozenset[str]:
    """Return the platforms (``linux/amd64``) whose programs this engine runs."""
    native = images.engine_architecture(client)
    return frozenset(
        f"linux/{architecture}"
        for architecture in settings.PLATFORMS
        if architecture == native or _runs(client, architecture)
    )
