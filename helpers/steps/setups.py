"""Put the world in the state each tutorial step starts from.

A step's set-up restores what the earlier steps left, so that running a notebook twice, alone
or after the others, starts it from the same place. It restores only what earlier steps did
in front of the reader: the commands a step teaches stay in the notebook, and the state a
step's check looks for is never made by its own set-up. What a set-up changes, it notes in
the journal as the commands a learner would type (``helpers.journal``).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

from helpers import journal, settings
from helpers.demo import images
from helpers.kit import Kit
from helpers.registry.container import Registry
from helpers.registry.sessions import kit_registry
from helpers.settings import DEMO_TAGS as TAGS
from helpers.settings import GUIDE_ADDRESS as ADDRESS
from helpers.settings import registry_name
from helpers.steps import credential_helper, local_state, set_up_records
from helpers.terminal import shell


def type_in(registry: Registry, command: str) -> None:
    """Run a command as the learner types it, in the registry's session, at its address."""
    shell.run(registry.kit, command, address=registry.address)


def logout(kit: Kit) -> None:
    """Forget every stored credential (the session's own config only)."""
    shutil.rmtree(kit.docker_config, ignore_errors=True)
    journal.note("rm -rf ~/.docker")


def login(registry: Registry) -> None:
    """Store the demo credentials for the kit's registry, in ``config.json``: a credential
    store that the helper step left named there goes first (only that step's commands find
    its helper)."""
    if "credsStore" in local_state.docker_config(registry.kit):
        logout(registry.kit)
    type_in(
        registry,
        f"echo {settings.DEMO_PASSWORD} | docker login {ADDRESS} "
        f"-u {settings.DEMO_USER} --password-stdin",
    )


def untag_registry_names(registry: Registry, tags: tuple[str, ...] = TAGS) -> None:
    """Remove registry-qualified names of the demo image, keeping the image itself."""
    client = registry.kit.client()
    for tag in tags:
        name = shell.mapped(registry_name(tag), registry.address)
        if local_state.local_image_id(client, name) is not None:
            client.images.remove(name, noprune=True)
            journal.note(f"docker image rm --no-prune {registry_name(tag)}")


def tag_registry_names(registry: Registry) -> None:
    """Give the demo image both names the push step pushes."""
    for tag in TAGS:
        type_in(registry, f"docker tag {settings.DEMO_IMAGE} {registry_name(tag)}")


def publish_base(registry: Registry) -> None:
    """Push the base image to ``library/tinybase``, as the push step has the learner do."""
    name = registry_name("latest", settings.BASE_REPOSITORY)
    type_in(registry, f"docker tag {settings.BASE_IMAGE} {name}")
    type_in(registry, f"docker push {name}")


def empty_registry(registry: Registry) -> None:
    """Leave the registry holding nothing, as before the push step."""
    if registry.api.repositories():  # a registry never pushed to is empty already
        registry.restart_empty()


def base_published(registry: Registry) -> None:
    """Leave the registry holding only the published base, and the learner logged in."""
    empty_registry(registry)
    login(registry)
    publish_base(registry)


def push_both(registry: Registry) -> None:
    """Redo the push step: an empty registry, then the base and both tags of the demo image
    pushed (the local image then knows its digest, as after the learner's push)."""
    base_published(registry)
    tag_registry_names(registry)
    for tag in TAGS:
        type_in(registry, f"docker push {registry_name(tag)}")


def pushed(registry: Registry) -> None:
    """Make sure the registry holds what the push step left (the base, and exactly both tags
    with one digest), pushing again only if it does not."""
    tags = set(registry.api.tags(settings.DEMO_REPOSITORY))
    digests = {registry.api.digest(settings.DEMO_REPOSITORY, tag) for tag in TAGS}
    base = registry.api.tags(settings.BASE_REPOSITORY)
    if tags != set(TAGS) or None in digests or len(digests) != 1 or base != ["latest"]:
        push_both(registry)
    else:
        tag_registry_names(registry)


def materials(kit: Kit) -> None:
    """Give the learner's home what the steps start from: the demo images' archives (as if
    pulled and built) and the demo password in a file only its owner may read."""
    home = kit.home
    images.write_archives(kit.client(), home)
    credential_helper.make_gnupg_home(kit)
    password = home / settings.PASSWORD_FILE
    password.write_text(f"{settings.DEMO_PASSWORD}\n")
    password.chmod(0o600)


def fresh_start(kit: Kit) -> Registry:
    """Put the world where a learner starts step 1, and return the session's registry: a
    fresh home with the materials, the registry empty, the demo images removed (``python -m
    helpers terminal`` leaves it so, and the benchmark's floor starts from it)."""
    shutil.rmtree(kit.home, ignore_errors=True)
    materials(kit)  # first: should the home not be writable, no registry is left running
    registry = kit_registry(kit)
    empty_registry(registry)
    images.remove_kit_images(kit.client())
    return registry


CLEANUP_FILES = ("manifest.json", "digest.txt")
"""What the clean-up step has the learner save in their home."""


def remove_cleanup_files(kit: Kit) -> None:
    """Remove what the clean-up step has the learner save in their home."""
    for name in CLEANUP_FILES:
        if (kit.home / name).exists():
            (kit.home / name).unlink()
            journal.note(f"rm ~/{name}")


def _prepare_concepts(registry: Registry) -> None:
    remove_cleanup_files(registry.kit)  # step 1 lists the home: as before any step
    images.remove_kit_images(registry.kit.client())


def _prepare_login(registry: Registry) -> None:
    images.load_demo_images(registry.kit.client())
    logout(registry.kit)


def _prepare_tag(registry: Registry) -> None:
    images.load_demo_images(registry.kit.client())
    untag_registry_names(registry)


def _prepare_push(registry: Registry) -> None:
    images.load_demo_images(registry.kit.client())
    untag_registry_names(
        registry, ("0.2.0",)
    )  # the mistakes step's tag: `--all-tags` would push it
    empty_registry(registry)
    login(registry)
    tag_registry_names(registry)


def _prepare_pull(registry: Registry) -> None:
    images.reload_demo_image(registry.kit.client())
    push_both(registry)
    # The check asks the engine's events from here on: the pull and the run are the step's.
    set_up_records.keep(registry.kit, "pull", {"since": set_up_records.engine_now(registry.kit)})


def _prepare_logout(registry: Registry) -> None:
    images.load_demo_images(registry.kit.client())
    pushed(registry)
    login(registry)


def _prepare_mistakes(registry: Registry) -> None:
    images.load_demo_images(registry.kit.client())
    untag_registry_names(registry, ("0.2.0",))
    pushed(registry)
    logout(registry.kit)  # then log in and out, to leave config.json as `docker logout` writes it
    login(registry)
    type_in(registry, f"docker logout {ADDRESS}")


PREPARE: dict[str, Callable[[Registry], None]] = {
    "concepts": _prepare_concepts,
    "login": _prepare_login,
    "tag": _prepare_tag,
    "push": _prepare_push,
    "pull": _prepare_pull,
    "logout": _prepare_logout,
    "mistakes": _prepare_mistakes,
}
