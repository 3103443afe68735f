"""Put the world in the state each step beyond the guide starts from (as ``step_setups`` does
for the guide's steps)."""

from __future__ import annotations

from helpers import journal, settings
from helpers.demo import images
from helpers.settings import GUIDE_ADDRESS as ADDRESS
from helpers.settings import registry_name
from helpers.steps import buildx, credential_helper, set_up_records
from helpers.steps.setups import base_published, forget_platforms, pushed, remove_cleanup_files
from helpers.steps.target import LocalTarget, logout, type_in


def prepare_cleanup(target: LocalTarget) -> None:
    """Where the mistakes step leaves the learner: the registry holds the base and the demo
    image as 0.1.0, latest and 0.2.0, this machine has 0.2.0 too, and nobody is logged in."""
    remove_cleanup_files(target.kit)
    images.load_demo_images(target.kit.client())
    pushed(target)
    target.log_in()
    type_in(target, f"docker tag {settings.DEMO_IMAGE} {registry_name('0.2.0')}")
    type_in(target, f"docker push {registry_name('0.2.0')}")
    type_in(target, f"docker logout {ADDRESS}")
    # What the check compares with: the manifest the step deletes, and the blobs it names.
    api = target.registry.api
    set_up_records.keep(
        target.kit,
        "cleanup",
        {
            "digest": api.digest(settings.DEMO_REPOSITORY, "0.2.0"),
            "blobs": api.blobs(settings.DEMO_REPOSITORY, "0.2.0"),
            "shared": api.blobs(settings.BASE_REPOSITORY, "latest"),
        },
    )


def prepare_helper(target: LocalTarget) -> None:
    """Logged out, with a ``~/.docker`` folder (the step writes ``config.json`` itself), and
    no password store or GnuPG key yet, which the step makes. Say in a sentence if the helper,
    ``pass`` or GnuPG cannot be had here, before anything changes."""
    kit = target.kit
    credential_helper.check_socket_room(kit)
    credential_helper.check_round_trip(kit.command_path)
    credential_helper.forget(kit, kit.command_path)
    logout(kit)
    kit.docker_config.mkdir(parents=True)
    journal.note("mkdir ~/.docker")


def prepare_platforms(target: LocalTarget) -> None:
    """Logged out, as the helper step leaves the learner, with no name the step gives on this
    machine and no index in the registry (the base still published there); then the buildx
    plugin where the kit's docker finds it. Say in a sentence if buildx cannot be had here,
    before anything changes."""
    kit = target.kit
    buildx.plugin(kit.environment)
    client = kit.client()
    forget_platforms(kit)  # (``materials`` did, for every step: this one's own start)
    if settings.PLATFORMS_REPOSITORY in target.registry.api.repositories():
        images.load_demo_images(client)  # the base, published again
        base_published(target)  # an earlier run's index and tags go
    logout(kit)
    buildx.link(kit)
