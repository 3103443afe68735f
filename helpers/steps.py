"""Put the world in the state each tutorial step starts from, and check what a step did.

Each notebook's first cell calls ``start(step)``: it finds the engine and the kit's registry,
makes ``!`` run commands through the shell runner, and prepares the step's starting state
(running a notebook twice, alone or after the others, starts it from the same place).
Its last cell calls ``check(step)``, which says in one sentence what is missing, if anything.
The set-up may run docker commands itself; the commands a step teaches stay in the notebook.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

from helpers import engine, images, settings, shell, state
from helpers.errors import StepIncomplete
from helpers.paths import docker_config_dir
from helpers.registry import Registry, kit_registry

ADDRESS = settings.GUIDE_ADDRESS
TAGS = ("0.1.0", "latest")


def remote_name(tag: str, repository: str = settings.DEMO_REPOSITORY) -> str:
    """Return the name the guide types for a repository in the kit's registry."""
    return f"{ADDRESS}/{repository}:{tag}"


def logout() -> None:
    """Forget every stored credential (the kit's own config only)."""
    shutil.rmtree(docker_config_dir(), ignore_errors=True)


def login() -> None:
    """Store the demo credentials for the kit's registry."""
    shell.run(
        f"echo {settings.DEMO_PASSWORD} | docker login {ADDRESS} "
        f"-u {settings.DEMO_USER} --password-stdin"
    )


def untag_remote_names() -> None:
    """Remove the registry-qualified names of the demo image, keeping the image itself."""
    client = engine.client()
    for tag in TAGS:
        name = shell.mapped(remote_name(tag))
        if state.local_image_id(name) is not None:
            client.images.remove(name, noprune=True)


def tag_remote_names() -> None:
    """Give the demo image both names the push step pushes."""
    for tag in TAGS:
        shell.run(f"docker tag {settings.DEMO_IMAGE} {remote_name(tag)}")


def publish_base(registry: Registry) -> None:
    """Push the base image to ``library/tinybase``, so later pushes can mount its layers."""
    name = remote_name("latest", settings.BASE_REPOSITORY)
    shell.run(f"docker tag {settings.BASE_IMAGE} {name}")
    shell.run(f"docker push {name}")
    shell.run(f"docker rmi {name}")


def fresh_registry(registry: Registry) -> None:
    """Empty the registry and publish the base, as Docker Hub already holds ``ubuntu``."""
    if state.remote_repositories(registry):  # a registry never pushed to is empty already
        registry.restart_empty()
    login()
    publish_base(registry)


def registry_without_demo(registry: Registry) -> None:
    """Leave the registry holding the published base and no trace of the demo repository."""
    if state.remote_tags(registry, settings.BASE_REPOSITORY) != ["latest"]:
        fresh_registry(registry)
        return
    registry.forget_repository(settings.DEMO_REPOSITORY)
    if not state.logged_in(registry):
        login()


def push_both(registry: Registry) -> None:
    """Make sure both tags are in the registry and the local image knows its digest."""
    if not state.remote_tags(registry, settings.DEMO_REPOSITORY):
        fresh_registry(registry)
    login()
    tag_remote_names()
    for tag in TAGS:
        shell.run(f"docker push {remote_name(tag)}")


def pushed(registry: Registry) -> None:
    """Make sure both tags are in the registry with one digest, pushing only if they are not."""
    digests = {state.remote_digest(registry, settings.DEMO_REPOSITORY, tag) for tag in TAGS}
    if None in digests or len(digests) != 1:
        push_both(registry)
    else:
        tag_remote_names()


def _prepare_concepts(registry: Registry) -> None:
    images.load_demo_images()


def _prepare_login(registry: Registry) -> None:
    images.load_demo_images()
    logout()


def _prepare_tag(registry: Registry) -> None:
    images.load_demo_images()
    untag_remote_names()


def _prepare_push(registry: Registry) -> None:
    images.load_demo_images()
    registry_without_demo(registry)
    tag_remote_names()


def _prepare_pull(registry: Registry) -> None:
    images.reload_demo_image()
    push_both(registry)


def _prepare_logout(registry: Registry) -> None:
    images.load_demo_images()
    pushed(registry)
    login()


def _prepare_mistakes(registry: Registry) -> None:
    images.load_demo_images()
    pushed(registry)
    logout()


def _require(condition: bool, sentence: str) -> None:
    if not condition:
        raise StepIncomplete(sentence)


def _check_concepts(registry: Registry) -> None:
    _require(
        state.local_image_id(settings.DEMO_IMAGE) is not None,
        f"The image {settings.DEMO_IMAGE} is missing: run the first cell again.",
    )


def _check_login(registry: Registry) -> None:
    _require(
        state.logged_in(registry),
        f"No credentials for {ADDRESS} are stored: run the `docker login` cell.",
    )


def _check_tag(registry: Registry) -> None:
    source = state.local_image_id(settings.DEMO_IMAGE)
    for tag in TAGS:
        _require(
            state.local_image_id(shell.mapped(remote_name(tag))) == source,
            f"{remote_name(tag)} does not name the demo image: run its `docker tag` cell.",
        )


def _check_push(registry: Registry) -> None:
    digests = {tag: state.remote_digest(registry, settings.DEMO_REPOSITORY, tag) for tag in TAGS}
    for tag, digest in digests.items():
        _require(
            digest is not None,
            f"The registry has no tag {tag}: run the `docker push` cell for {tag}.",
        )
    _require(
        len(set(digests.values())) == 1,
        "The two tags point at different images: tag and push latest again.",
    )


def _check_pull(registry: Registry) -> None:
    name = shell.mapped(remote_name("0.1.0"))
    remote = state.remote_digest(registry, settings.DEMO_REPOSITORY, "0.1.0")
    pulled = [d.split("@", 1)[1] for d in state.local_repo_digests(name)]
    _require(
        bool(pulled), f"{remote_name('0.1.0')} is not on this machine: run the `docker run` cell."
    )
    _require(remote in pulled, "The local image does not match the registry's: pull it again.")


def _check_logout(registry: Registry) -> None:
    _require(
        not state.logged_in(registry),
        f"Credentials for {ADDRESS} are still stored: run the `docker logout` cell.",
    )


def _check_mistakes(registry: Registry) -> None:
    _check_logout(registry)
    _check_push(registry)


PREPARE: dict[str, Callable[[Registry], None]] = {
    "concepts": _prepare_concepts,
    "login": _prepare_login,
    "tag": _prepare_tag,
    "push": _prepare_push,
    "pull": _prepare_pull,
    "logout": _prepare_logout,
    "mistakes": _prepare_mistakes,
}

CHECK: dict[str, Callable[[Registry], None]] = {
    "concepts": _check_concepts,
    "login": _check_login,
    "tag": _check_tag,
    "push": _check_push,
    "pull": _check_pull,
    "logout": _check_logout,
    "mistakes": _check_mistakes,
}


def start(step: str) -> Registry:
    """Get the kit's registry, route ``!`` through the shell runner, and prepare ``step``."""
    shell.install()  # first: should the rest fail, `!` still never waits at a prompt
    registry = kit_registry()
    shell.use_registry(registry.address)
    PREPARE[step](registry)
    return registry


def check(step: str) -> None:
    """Check the learner's real state after ``step``; raise one sentence if something is missing."""
    CHECK[step](kit_registry())
