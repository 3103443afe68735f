"""The demo images on an engine: load them, find them, reload one, and take the kit's names off.

What they are made of is ``demo_specs``; they are built offline and loaded with ``docker
load``, so their IDs, and the digests a push prints, are the same on every run.
"""

from __future__ import annotations

import contextlib

import docker
import docker.errors

from helpers import journal, settings
from helpers.demo import archive
from helpers.demo.archive import ImageSpec
from helpers.demo.specs import base_spec, hello_spec
from helpers.errors import ImageError


def engine_architecture(client: docker.DockerClient) -> str:
    """Return the image architecture (``amd64``/``arm64``) the engine runs natively."""
    return archive.docker_architecture(str(client.info()["Architecture"]))


def load(
    client: docker.DockerClient, spec: ImageSpec, archive_name: str, journaled: bool = True
) -> str:
    """Load an image the archive ``~/archive_name`` holds, unless it is there already; return
    its ID. ``journaled``: a learner would type it (``helpers.journal``)."""
    for name in spec.repo_tags:
        _refuse_foreign(client, name)
    data, image_id = archive.docker_archive(spec)
    if present(client, spec) is not None:
        return image_id
    try:
        client.images.load(data)
    except docker.errors.APIError as error:
        raise ImageError(f"Loading {spec.repo_tags[0]} failed: {error.explanation}") from None
    if journaled:
        journal.note(f"docker load -q -i ~/{archive_name}")
    return image_id


def present(client: docker.DockerClient, spec: ImageSpec) -> docker.models.images.Image | None:
    """Return the image the spec's name gives, if it is the spec's image.

    Found by name, not by the ID the archive predicts: on the containerd store an image's ID
    is the digest of its manifest, so the config's digest finds nothing there.
    """
    return _present_as(client, spec.repo_tags[0], spec)


def _present_as(
    client: docker.DockerClient, name: str, spec: ImageSpec
) -> docker.models.images.Image | None:
    try:
        image = client.images.get(name)
    except docker.errors.ImageNotFound:
        return None
    return image if _is_made_from(image, spec) else None


def _refuse_foreign(client: docker.DockerClient, name: str) -> None:
    try:
        labels = client.images.get(name).labels or {}
    except docker.errors.ImageNotFound:
        return
    if settings.LABEL not in labels:
        raise ImageError(
            f"An image named {name} already exists and is not the kit's; the kit will not "
            "replace it. Rename it (`docker tag` then `docker rmi`) and try again."
        )


ARCHIVES = {"tinybase.tar": base_spec, "hello-world.tar": hello_spec}
"""The files the learner loads in the first step, as if they had pulled and built them."""


def archive_holds(client: docker.DockerClient, name: str, archive_name: str) -> bool:
    """Tell whether ``name`` names the very image the learner's ``~/archive_name`` holds (its
    layers, labels and command), not merely an image of that name."""
    spec = ARCHIVES[archive_name](engine_architecture(client))
    return _present_as(client, name, spec) is not None


def load_demo_images(client: docker.DockerClient) -> dict[str, str]:
    """Load the base and hello-world images into the engine (those not loaded yet, as the
    learner's archives would); return name -> image ID."""
    architecture = engine_architecture(client)
    loaded = {}
    for archive_name, spec_of in ARCHIVES.items():
        spec = spec_of(architecture)
        loaded[spec.repo_tags[0]] = load(client, spec, archive_name)
    return loaded


def reload_demo_image(client: docker.DockerClient) -> None:
    """Drop every name and digest reference of the demo image, then load it afresh.

    A pull step that removes the image must see it deleted; a name left by another
    session or an earlier run would keep it alive and change what ``docker image rm`` says.
    """
    spec = hello_spec(engine_architecture(client))
    named = present(client, spec)
    for image in kit_images(client):
        if not _is_made_from(image, spec):
            continue
        with contextlib.suppress(docker.errors.ImageNotFound):
            client.images.remove(image.id, force=True)
        # The journal names it as a learner would find it, the same on every architecture.
        found = f"$(docker image inspect --format '{{{{.Id}}}}' {settings.DEMO_IMAGE})"
        journal.note(f"docker image rm -f {found if named and named.id == image.id else image.id}")
    load_demo_images(client)


def kit_images(client: docker.DockerClient) -> list[docker.models.images.Image]:
    """Return the demo images on the engine: those whose layers, labels and command are
    exactly a demo image's.

    The kit's label alone would not do: labels are inherited through ``FROM``, so an image a
    learner builds on ``learner/hello-world`` carries it too, and is not the kit's.
    """
    architecture = engine_architecture(client)
    builds = [hello_spec(platform) for platform in settings.PLATFORMS]  # the platforms step's
    specs = [base_spec(architecture), hello_spec(architecture), *builds]
    labelled: list[docker.models.images.Image] = client.images.list(
        filters={"label": settings.LABEL}
    )
    return [image for image in labelled if any(_is_made_from(image, spec) for spec in specs)]


def demo_image(client: docker.DockerClient, spec: ImageSpec) -> docker.models.images.Image | None:
    """Return an image on the engine made exactly from ``spec``, under any name, if any."""
    labelled = client.images.list(filters={"label": settings.LABEL})
    return next((image for image in labelled if _is_made_from(image, spec)), None)


def _is_made_from(image: docker.models.images.Image, spec: ImageSpec) -> bool:
    config = image.attrs.get("Config") or {}
    layers = (image.attrs.get("RootFS") or {}).get("Layers") or []
    made = {
        "Labels": spec.labels,
        "Cmd": spec.cmd,
        "Entrypoint": spec.entrypoint,
        "Env": spec.env,
        "User": None,
        "WorkingDir": None,
    }
    return layers == archive.diff_ids(spec) and all(
        (config.get(key) or None) == (value or None) for key, value in made.items()
    )


KIT_REPOSITORIES = (
    "tinybase",
    "learner/hello-world",
    "library/tinybase",
    settings.PLATFORMS_REPOSITORY,
)
"""The repositories the kit and the steps name the demo images by (with or without a
``localhost:PORT/`` registry in front)."""


def is_kit_name(reference: str) -> bool:
    """Tell whether an image reference (``name:tag`` or ``name@digest``) is one the kit or the
    steps give a demo image, rather than a name of the user's."""
    name = reference.split("@", 1)[0]
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]
    registry, _, path = name.partition("/")
    if registry.startswith("localhost:") and path:
        name = path
    return name in KIT_REPOSITORIES


def remove_kit_images(client: docker.DockerClient) -> int:
    """Take the kit's names off the demo images (untagging, never forcing): an image left
    with no name goes, one the user named too, or built on, stays. Return how many went."""
    removed = 0
    for image in kit_images(client):
        names = [*image.tags, *(image.attrs.get("RepoDigests") or [])]
        for name in (name for name in names if is_kit_name(name)):
            with contextlib.suppress(docker.errors.ImageNotFound, docker.errors.APIError):
                client.images.remove(name, noprune=False)
                journal.note(f"docker image rm {name}")
        try:
            client.images.get(image.id)
        except docker.errors.ImageNotFound:
            removed += 1
    return removed
