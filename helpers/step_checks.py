"""Check what each of the guide's steps did, and show it as a terminal would
(``check_support``); the steps beyond the guide have theirs in ``beyond_guide_checks``."""

from __future__ import annotations

from collections.abc import Callable

from helpers import local_state, settings, shell
from helpers.check_support import digest_command, require, short, show
from helpers.registry import Registry
from helpers.settings import DEMO_TAGS as TAGS
from helpers.settings import GUIDE_ADDRESS as ADDRESS
from helpers.settings import remote_name


def _check_concepts(registry: Registry) -> str:
    for name in (settings.BASE_IMAGE, settings.DEMO_IMAGE):
        show(
            registry,
            f"docker image ls --format '{{{{.Repository}}}}:{{{{.Tag}}}} {{{{.ID}}}}' {name}",
        )
    for name in (settings.BASE_IMAGE, settings.DEMO_IMAGE):
        require(
            local_state.local_image_id(registry.kit.client(), name) is not None,
            f"The image {name} is not on this machine: run the `docker load` cells.",
        )
    return f"{settings.DEMO_IMAGE} and {settings.BASE_IMAGE} are on this machine"


def _check_login(registry: Registry) -> str:
    show(registry, f"grep -o '\"{ADDRESS}\"' ~/.docker/config.json")
    require(
        local_state.logged_in(registry),
        f"No credentials for {registry.address} are stored: run the `docker login` cell.",
    )
    return f"credentials for {registry.address} are stored in ~/.docker/config.json"


def _check_tag(registry: Registry) -> str:
    show(
        registry,
        "docker image ls --format '{{.Repository}}:{{.Tag}} {{.ID}}' "
        f"{ADDRESS}/{settings.DEMO_REPOSITORY}",
    )
    source = local_state.local_image_id(registry.kit.client(), settings.DEMO_IMAGE)
    for tag in TAGS:
        require(
            local_state.local_image_id(
                registry.kit.client(), shell.mapped(remote_name(tag), registry.address)
            )
            == source,
            f"{remote_name(tag)} does not name the demo image: run its `docker tag` cell.",
        )
    return f"{' and '.join(TAGS)} both name {short(source)}, the image of {settings.DEMO_IMAGE}"


def _check_push(registry: Registry) -> str:
    show(registry, digest_command(settings.BASE_REPOSITORY, "latest"))
    require(
        registry.api.tags(settings.BASE_REPOSITORY) == ["latest"],
        f"The registry has no {settings.BASE_REPOSITORY}: run the cells that tag and push it.",
    )
    digests = {}
    for tag in TAGS:
        show(registry, digest_command(settings.DEMO_REPOSITORY, tag))
        digests[tag] = registry.api.digest(settings.DEMO_REPOSITORY, tag)
        require(
            digests[tag] is not None,
            f"The registry has no tag {tag}: run the `docker push` cell for {tag}.",
        )
    require(
        len(set(digests.values())) == 1,
        "The two tags point at different images: tag and push latest again.",
    )
    return f"{' and '.join(TAGS)} share {digests[TAGS[0]]}, and {settings.BASE_REPOSITORY} is there"


def _check_pull(registry: Registry) -> str:
    name = shell.mapped(remote_name("0.1.0"), registry.address)
    show(registry, f"docker image ls -q {settings.DEMO_IMAGE}")
    show(
        registry,
        "docker image ls --digests --format '{{.Repository}}:{{.Tag}} {{.Digest}}' "
        f"{ADDRESS}/{settings.DEMO_REPOSITORY}",
    )
    require(
        local_state.local_image_id(registry.kit.client(), settings.DEMO_IMAGE) is None,
        f"{settings.DEMO_IMAGE} is still on this machine: run the `docker image rm` cell.",
    )
    remote = registry.api.digest(settings.DEMO_REPOSITORY, "0.1.0")
    pulled = [
        d.split("@", 1)[1] for d in local_state.local_repo_digests(registry.kit.client(), name)
    ]
    require(
        bool(pulled),
        f"{remote_name('0.1.0')} is not on this machine: run the `docker run` cell.",
    )
    require(remote in pulled, "The local image does not match the registry's: pull it again.")
    return f"0.1.0 came back from the registry as {remote}"


def _check_logout(registry: Registry) -> str:
    show(registry, "cat ~/.docker/config.json")
    require(
        not local_state.logged_in(registry),
        f"Credentials for {registry.address} are still stored: run the `docker logout` cell.",
    )
    return f"no credentials for {registry.address} are stored"


def _check_mistakes(registry: Registry) -> str:
    show(registry, digest_command(settings.DEMO_REPOSITORY, "0.2.0"))
    fixed = registry.api.digest(settings.DEMO_REPOSITORY, "0.2.0")
    first = registry.api.digest(settings.DEMO_REPOSITORY, "0.1.0")
    require(
        fixed is not None and fixed == first,
        "The registry has no tag 0.2.0 of the demo image: run the cells that tag and push it.",
    )
    show(registry, "cat ~/.docker/config.json")
    require(
        not local_state.logged_in(registry),
        f"Credentials for {registry.address} are still stored: run the last `docker logout` cell.",
    )
    return "0.2.0 is in the registry as the same image as 0.1.0, and you are logged out"


CHECK: dict[str, Callable[[Registry], str]] = {
    "concepts": _check_concepts,
    "login": _check_login,
    "tag": _check_tag,
    "push": _check_push,
    "pull": _check_pull,
    "logout": _check_logout,
    "mistakes": _check_mistakes,
}
