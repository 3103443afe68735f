"""Put the world in the state each tutorial step starts from.

A step's set-up restores what the earlier steps left, so that running a notebook twice, alone
or after the others, starts it from the same place. It restores only what earlier steps did
in front of the reader: the commands a step teaches stay in the notebook, and the state a
step's check looks for is never made by its own set-up. What a set-up changes, it notes in
the journal as the commands a learner would type (``helpers.journal``).
"""

from __future__ import annotations

import contextlib
import shutil

import docker
import docker.errors

from helpers import journal, settings
from helpers.demo import images
from helpers.errors import KitError
from helpers.kit import Kit
from helpers.lesson import materials as lesson_materials
from helpers.registry.container import Registry
from helpers.registry.sessions import kit_registry
from helpers.settings import DEMO_TAGS as TAGS
from helpers.settings import registry_name
from helpers.steps import buildx, credential_helper, set_up_records
from helpers.steps.target import LocalTarget, Target, logout, type_in

__all__ = ["logout", "type_in"]


def tag_registry_names(target: Target) -> None:
    """Give the demo image both names the push step pushes."""
    for tag in TAGS:
        type_in(target, f"docker tag {settings.DEMO_IMAGE} {registry_name(tag)}")


def publish_base(target: Target) -> None:
    """Push the base image to ``library/tinybase``, as the push step has the learner do."""
    name = registry_name("latest", settings.BASE_REPOSITORY)
    type_in(target, f"docker tag {settings.BASE_IMAGE} {name}")
    type_in(target, f"docker push {name}")


def base_published(target: Target) -> None:
    """Leave the registry holding only the published base (where the kit may empty it), and
    the learner logged in."""
    target.empty()
    target.log_in()
    publish_base(target)


def push_both(target: Target) -> None:
    """Redo the push step: an empty registry (where the kit may empty it), then the base and
    both tags of the demo image pushed (the local image then knows its digest, as after the
    learner's push)."""
    base_published(target)
    tag_registry_names(target)
    for tag in TAGS:
        type_in(target, f"docker push {registry_name(tag)}")


def pushed(target: Target) -> None:
    """Make sure the registry holds what the push step left (the base, and both tags with one
    digest, and not the mistakes step's 0.2.0), pushing again only if it does not."""
    digests = {target.digest(settings.DEMO_REPOSITORY, tag) for tag in TAGS}
    base = target.digest(settings.BASE_REPOSITORY, "latest")
    later = target.digest(settings.DEMO_REPOSITORY, "0.2.0")
    if None in digests or len(digests) != 1 or base is None or later is not None:
        push_both(target)
    else:
        tag_registry_names(target)


def materials(kit: Kit) -> None:
    """Give the learner's home what the steps start from (``helpers.lesson.materials``) and
    the GnuPG home step 9 uses; take off the names step 10 gives (``forget_platforms``)."""
    client = kit.client()
    lesson_materials.write(kit.home, images.engine_architecture(client))
    credential_helper.make_gnupg_home(kit)
    forget_platforms(kit)


def platforms_names(client: docker.DockerClient) -> list[str]:
    """Return every local name the platforms step gives the demo image's builds: the loaded
    ones, and every tag and digest of its repository in any registry (a pull leaves the
    index's digest on an image, which a later untagging would list), tags first."""
    loaded = [f"{settings.DEMO_REPOSITORY}:{architecture}" for architecture in settings.PLATFORMS]
    repository = settings.PLATFORMS_REPOSITORY
    found = set()
    for image in client.images.list():
        for name in [*(image.attrs.get("RepoTags") or []), *(image.attrs.get("RepoDigests") or [])]:
            path = name.split("/", 1)[-1]
            if name in loaded or path.startswith((f"{repository}:", f"{repository}@")):
                found.add(name)
    return sorted(found, key=lambda name: ("@" in name, name))


def forget_platforms(kit: Kit) -> None:
    """Take off every name the platforms step gives the demo image's builds, keeping the
    images: the other steps list and remove ``learner/hello-world`` by name, and an
    ``:arm64`` beside ``:latest`` would change what they print."""
    client = kit.client()
    for name in platforms_names(client):
        with contextlib.suppress(docker.errors.ImageNotFound):
            client.images.remove(name, noprune=True)
            journal.note(f"docker image rm --no-prune {name}")


def fresh_start(kit: Kit) -> Registry:
    """Put the world where a learner starts step 1, and return the session's registry: a
    fresh home with the materials (and the kit's buildx plugin, which step 10 uses, where it
    has one), the registry empty, the demo images removed (``python -m helpers terminal``
    leaves it so, and the benchmark's floor starts from it)."""
    shutil.rmtree(kit.home, ignore_errors=True)
    materials(kit)  # first: should the home not be writable, no registry is left running
    registry = kit_registry(kit)
    LocalTarget(registry).empty()
    images.remove_kit_images(kit.client())
    with contextlib.suppress(KitError):  # step 10 says so where buildx cannot be had
        buildx.link(kit, fetch=False)
    return registry


CLEANUP_FILES = ("manifest.json", "digest.txt")
"""What the clean-up step has the learner save in their home."""


def remove_cleanup_files(kit: Kit) -> None:
    """Remove what the clean-up step has the learner save in their home."""
    for name in CLEANUP_FILES:
        if (kit.home / name).exists():
            (kit.home / name).unlink()
            journal.note(f"rm ~/{name}")


def prepare_concepts(target: LocalTarget) -> None:
    """Step 1 lists the home and loads the demo images: as before any step."""
    remove_cleanup_files(target.kit)
    images.remove_kit_images(target.kit.client())


def prepare_login(target: Target) -> None:
    """The demo images loaded, and nobody logged in."""
    images.load_demo_images(target.kit.client())
    logout(target.kit)


def prepare_tag(target: Target) -> None:
    """The demo images loaded, without the registry's names."""
    images.load_demo_images(target.kit.client())
    target.untag()


def prepare_push(target: Target) -> None:
    """Logged in, both names given, and the registry empty where the kit may empty it (the
    mistakes step's 0.2.0 is taken off too: `--all-tags` would push it)."""
    images.load_demo_images(target.kit.client())
    target.untag(("0.2.0",))
    target.empty()
    target.log_in()
    tag_registry_names(target)


def prepare_pull(target: Target) -> None:
    """Everything pushed again from a freshly loaded demo image; the check asks the engine's
    events from here on: the pull and the run are the step's."""
    images.reload_demo_image(target.kit.client())
    push_both(target)
    set_up_records.keep(target.kit, "pull", {"since": set_up_records.engine_now(target.kit)})


def prepare_logout(target: Target) -> None:
    """What the push step left, and the learner logged in."""
    images.load_demo_images(target.kit.client())
    pushed(target)
    target.log_in()


def prepare_mistakes(target: LocalTarget) -> None:
    """What the push step left, and config.json as `docker logout` writes it."""
    images.load_demo_images(target.kit.client())
    target.untag(("0.2.0",))
    pushed(target)
    logout(target.kit)  # then log in and out, to leave config.json as `docker logout` writes it
    target.log_in()
    type_in(target, f"docker logout {settings.GUIDE_ADDRESS}")
