"""Put the world in the state each tutorial step starts from, and check what a step did.

Each notebook's first cell calls ``start(step)``: it finds the engine and the kit's registry,
makes ``!`` run commands through the shell runner, and restores the state the earlier steps
left (running a notebook twice, alone or after the others, starts it from the same place).
A set-up only restores what earlier steps did in front of the reader; the commands a step
teaches stay in the notebook, and the state a step's check looks for is never made by its
own set-up.

Its last cell calls ``check(step)``. A check shows what it looks at as a terminal would (the
``docker`` or ``curl`` commands it runs, after ``$ ``, and what they print), then says in one
line what it confirmed, or in one sentence what is missing. It never starts a registry.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable

from helpers import engine, images, journal, lesson, settings, shell, state
from helpers.errors import StepIncomplete
from helpers.paths import docker_config_dir, session_home
from helpers.registry import Registry, kit_registry, running_registry

ADDRESS = settings.GUIDE_ADDRESS
TAGS = ("0.1.0", "latest")


def remote_name(tag: str, repository: str = settings.DEMO_REPOSITORY) -> str:
    """Return the name the guide types for a repository in the kit's registry."""
    return f"{ADDRESS}/{repository}:{tag}"


def logout() -> None:
    """Forget every stored credential (the kit's own config only)."""
    shutil.rmtree(docker_config_dir(), ignore_errors=True)
    journal.note("rm -rf ~/.docker")


def login() -> None:
    """Store the demo credentials for the kit's registry."""
    shell.run(
        f"echo {settings.DEMO_PASSWORD} | docker login {ADDRESS} "
        f"-u {settings.DEMO_USER} --password-stdin"
    )


def untag_remote_names(tags: tuple[str, ...] = TAGS) -> None:
    """Remove registry-qualified names of the demo image, keeping the image itself."""
    client = engine.client()
    for tag in tags:
        name = shell.mapped(remote_name(tag))
        if state.local_image_id(name) is not None:
            client.images.remove(name, noprune=True)
            journal.note(f"docker image rm --no-prune {remote_name(tag)}")


def tag_remote_names() -> None:
    """Give the demo image both names the push step pushes."""
    for tag in TAGS:
        shell.run(f"docker tag {settings.DEMO_IMAGE} {remote_name(tag)}")


def publish_base() -> None:
    """Push the base image to ``library/tinybase``, as the push step has the learner do."""
    name = remote_name("latest", settings.BASE_REPOSITORY)
    shell.run(f"docker tag {settings.BASE_IMAGE} {name}")
    shell.run(f"docker push {name}")


def empty_registry(registry: Registry) -> None:
    """Leave the registry holding nothing, as before the push step."""
    if state.remote_repositories(registry):  # a registry never pushed to is empty already
        registry.restart_empty()


def base_published(registry: Registry) -> None:
    """Leave the registry holding only the published base, and the learner logged in."""
    empty_registry(registry)
    login()
    publish_base()


def push_both(registry: Registry) -> None:
    """Redo the push step: an empty registry, then the base and both tags of the demo image
    pushed (the local image then knows its digest, as after the learner's push)."""
    base_published(registry)
    tag_remote_names()
    for tag in TAGS:
        shell.run(f"docker push {remote_name(tag)}")


def pushed(registry: Registry) -> None:
    """Make sure the registry holds what the push step left (the base, and exactly both tags
    with one digest), pushing again only if it does not."""
    tags = set(state.remote_tags(registry, settings.DEMO_REPOSITORY))
    digests = {state.remote_digest(registry, settings.DEMO_REPOSITORY, tag) for tag in TAGS}
    base = state.remote_tags(registry, settings.BASE_REPOSITORY)
    if tags != set(TAGS) or None in digests or len(digests) != 1 or base != ["latest"]:
        push_both(registry)
    else:
        tag_remote_names()


PASSWORD_FILE = "registry-password.txt"


def materials() -> None:
    """Give the learner's home what the steps start from: the demo images' archives (as if
    pulled and built) and the demo password in a file only its owner may read."""
    home = session_home()
    images.write_archives(home)
    password = home / PASSWORD_FILE
    password.write_text(f"{settings.DEMO_PASSWORD}\n")
    password.chmod(0o600)


def _prepare_concepts(registry: Registry) -> None:
    images.remove_kit_images()


def _prepare_login(registry: Registry) -> None:
    images.load_demo_images()
    logout()


def _prepare_tag(registry: Registry) -> None:
    images.load_demo_images()
    untag_remote_names()


def _prepare_push(registry: Registry) -> None:
    images.load_demo_images()
    untag_remote_names(("0.2.0",))  # the mistakes step's tag: `--all-tags` would push it
    empty_registry(registry)
    login()
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
    untag_remote_names(("0.2.0",))
    pushed(registry)
    logout()  # then log in and out, to leave config.json as `docker logout` writes it
    login()
    shell.run(f"docker logout {ADDRESS}")


def _require(condition: bool, sentence: str) -> None:
    if not condition:
        raise StepIncomplete(sentence)


def _show(command: str) -> str:
    """Run one of a check's commands and show it, and what it printed, as a terminal would."""
    result = shell.run(command, expect=shell.EITHER)
    sys.stdout.write(f"{lesson.PROMPT}{command}\n{result.output}")
    sys.stdout.flush()
    return result.output


def _short(image_id: str | None) -> str:
    return (image_id or "").removeprefix("sha256:")[:12]


def _digest_command(repository: str, tag: str) -> str:
    return (
        f"curl -s -I -u {settings.DEMO_USER}:{settings.DEMO_PASSWORD} "
        f"-H 'Accept: {state.DOCKER_MANIFEST}' -H 'Accept: {state.OCI_MANIFEST}' "
        f"http://{ADDRESS}/v2/{repository}/manifests/{tag} | grep Docker-Content-Digest"
    )


def _check_concepts(registry: Registry) -> str:
    for name in (settings.BASE_IMAGE, settings.DEMO_IMAGE):
        _show(f"docker image ls --format '{{{{.Repository}}}}:{{{{.Tag}}}} {{{{.ID}}}}' {name}")
    for name in (settings.BASE_IMAGE, settings.DEMO_IMAGE):
        _require(
            state.local_image_id(name) is not None,
            f"The image {name} is not on this machine: run the `docker load` cells.",
        )
    return f"{settings.DEMO_IMAGE} and {settings.BASE_IMAGE} are on this machine"


def _check_login(registry: Registry) -> str:
    _show(f"grep -o '\"{ADDRESS}\"' ~/.docker/config.json")
    _require(
        state.logged_in(registry),
        f"No credentials for {ADDRESS} are stored: run the `docker login` cell.",
    )
    return f"credentials for {ADDRESS} are stored in ~/.docker/config.json"


def _check_tag(registry: Registry) -> str:
    _show(
        "docker image ls --format '{{.Repository}}:{{.Tag}} {{.ID}}' "
        f"{ADDRESS}/{settings.DEMO_REPOSITORY}"
    )
    source = state.local_image_id(settings.DEMO_IMAGE)
    for tag in TAGS:
        _require(
            state.local_image_id(shell.mapped(remote_name(tag))) == source,
            f"{remote_name(tag)} does not name the demo image: run its `docker tag` cell.",
        )
    return f"{' and '.join(TAGS)} both name {_short(source)}, the image of {settings.DEMO_IMAGE}"


def _check_push(registry: Registry) -> str:
    _show(_digest_command(settings.BASE_REPOSITORY, "latest"))
    _require(
        state.remote_tags(registry, settings.BASE_REPOSITORY) == ["latest"],
        f"The registry has no {settings.BASE_REPOSITORY}: run the cells that tag and push it.",
    )
    digests = {}
    for tag in TAGS:
        _show(_digest_command(settings.DEMO_REPOSITORY, tag))
        digests[tag] = state.remote_digest(registry, settings.DEMO_REPOSITORY, tag)
        _require(
            digests[tag] is not None,
            f"The registry has no tag {tag}: run the `docker push` cell for {tag}.",
        )
    _require(
        len(set(digests.values())) == 1,
        "The two tags point at different images: tag and push latest again.",
    )
    return f"{' and '.join(TAGS)} share {digests[TAGS[0]]}, and {settings.BASE_REPOSITORY} is there"


def _check_pull(registry: Registry) -> str:
    name = shell.mapped(remote_name("0.1.0"))
    _show(f"docker image ls -q {settings.DEMO_IMAGE}")
    _show(
        "docker image ls --digests --format '{{.Repository}}:{{.Tag}} {{.Digest}}' "
        f"{ADDRESS}/{settings.DEMO_REPOSITORY}"
    )
    _require(
        state.local_image_id(settings.DEMO_IMAGE) is None,
        f"{settings.DEMO_IMAGE} is still on this machine: run the `docker image rm` cell.",
    )
    remote = state.remote_digest(registry, settings.DEMO_REPOSITORY, "0.1.0")
    pulled = [d.split("@", 1)[1] for d in state.local_repo_digests(name)]
    _require(
        bool(pulled), f"{remote_name('0.1.0')} is not on this machine: run the `docker run` cell."
    )
    _require(remote in pulled, "The local image does not match the registry's: pull it again.")
    return f"0.1.0 came back from the registry as {remote}"


def _check_logout(registry: Registry) -> str:
    _show("cat ~/.docker/config.json")
    _require(
        not state.logged_in(registry),
        f"Credentials for {ADDRESS} are still stored: run the `docker logout` cell.",
    )
    return f"no credentials for {ADDRESS} are stored"


def _check_mistakes(registry: Registry) -> str:
    _show(_digest_command(settings.DEMO_REPOSITORY, "0.2.0"))
    fixed = state.remote_digest(registry, settings.DEMO_REPOSITORY, "0.2.0")
    first = state.remote_digest(registry, settings.DEMO_REPOSITORY, "0.1.0")
    _require(
        fixed is not None and fixed == first,
        "The registry has no tag 0.2.0 of the demo image: run the cells that tag and push it.",
    )
    _show("cat ~/.docker/config.json")
    _require(
        not state.logged_in(registry),
        f"Credentials for {ADDRESS} are still stored: run the last `docker logout` cell.",
    )
    return "0.2.0 is in the registry as the same image as 0.1.0, and you are logged out"


PREPARE: dict[str, Callable[[Registry], None]] = {
    "concepts": _prepare_concepts,
    "login": _prepare_login,
    "tag": _prepare_tag,
    "push": _prepare_push,
    "pull": _prepare_pull,
    "logout": _prepare_logout,
    "mistakes": _prepare_mistakes,
}

CHECK: dict[str, Callable[[Registry], str]] = {
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
    shell.install(failing=lesson.failing_cells(lesson.notebook_for(step)))
    registry = kit_registry()
    shell.use_registry(registry.address)
    materials()
    PREPARE[step](registry)
    return registry


def check(step: str) -> None:
    """Show what the learner's machine and registry hold after ``step``, then say in one line
    what that confirms; raise one sentence if something is missing."""
    registry = running_registry()
    if registry is None:
        raise StepIncomplete("The kit's registry is not running: run this notebook's first cell.")
    shell.use_registry(registry.address)
    print(f"ok: {CHECK[step](registry)}")
