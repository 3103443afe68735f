"""Put the world in the state each step beyond the guide starts from (as ``step_setups`` does
for the guide's steps)."""

from __future__ import annotations

from collections.abc import Callable

from helpers import journal, settings
from helpers.demo import images
from helpers.registry.container import Registry
from helpers.settings import GUIDE_ADDRESS as ADDRESS
from helpers.settings import registry_name
from helpers.steps import credential_helper, set_up_records
from helpers.steps.setups import login, logout, pushed, remove_cleanup_files, type_in


def _prepare_cleanup(registry: Registry) -> None:
    """Where the mistakes step leaves the learner: the registry holds the base and the demo
    image as 0.1.0, latest and 0.2.0, this machine has 0.2.0 too, and nobody is logged in."""
    remove_cleanup_files(registry.kit)
    images.load_demo_images(registry.kit.client())
    pushed(registry)
    login(registry)
    type_in(registry, f"docker tag {settings.DEMO_IMAGE} {registry_name('0.2.0')}")
    type_in(registry, f"docker push {registry_name('0.2.0')}")
    type_in(registry, f"docker logout {ADDRESS}")
    # What the check compares with: the manifest the step deletes, and the blobs it names.
    api = registry.api
    set_up_records.keep(
        registry.kit,
        "cleanup",
        {
            "digest": api.digest(settings.DEMO_REPOSITORY, "0.2.0"),
            "blobs": api.blobs(settings.DEMO_REPOSITORY, "0.2.0"),
            "shared": api.blobs(settings.BASE_REPOSITORY, "latest"),
        },
    )


def _prepare_helper(registry: Registry) -> None:
    """Logged out, with a ``~/.docker`` folder (the step writes ``config.json`` itself), and
    no password store or GnuPG key yet, which the step makes. Say in a sentence if the helper,
    ``pass`` or GnuPG cannot be had here, before anything changes."""
    kit = registry.kit
    credential_helper.check_socket_room(kit)
    credential_helper.check_round_trip(kit.command_path)
    credential_helper.forget(kit, kit.command_path)
    logout(kit)
    kit.docker_config.mkdir(parents=True)
    journal.note("mkdir ~/.docker")


PREPARE: dict[str, Callable[[Registry], None]] = {
    "cleanup": _prepare_cleanup,
    "helper": _prepare_helper,
}
