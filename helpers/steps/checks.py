"""Check what each of the guide's steps did, and show it as a terminal would
(``check_support``); the steps beyond the guide have theirs in ``beyond_guide_checks``."""

from __future__ import annotations

from helpers import settings
from helpers.demo import images
from helpers.registry.container import Registry
from helpers.settings import DEMO_TAGS as TAGS
from helpers.settings import GUIDE_ADDRESS as ADDRESS
from helpers.settings import registry_name
from helpers.steps import local_state, set_up_records
from helpers.steps.check_support import digest_command, require, short, show
from helpers.terminal import shell


def check_concepts(registry: Registry) -> str:
    """Requires, in order, for each demo image (tinybase, then learner/hello-world): that a
    name of it is on this machine, and that it names the image its archive holds."""
    client = registry.kit.client()
    for name in (settings.BASE_IMAGE, settings.DEMO_IMAGE):
        show(
            registry,
            f"docker image ls --format '{{{{.Repository}}}}:{{{{.Tag}}}} {{{{.ID}}}}' {name}",
        )
    for archive_name, name in (
        ("tinybase.tar", settings.BASE_IMAGE),
        ("hello-world.tar", settings.DEMO_IMAGE),
    ):
        require(
            local_state.local_image_id(client, name) is not None,
            f"The image {name} is not on this machine: run the `docker load` cells.",
        )
        require(
            images.archive_holds(client, name, archive_name),
            f"{name} on this machine is not the image ~/{archive_name} holds: load that "
            "archive again with its `docker load` cell.",
        )
    return f"{settings.DEMO_IMAGE} and {settings.BASE_IMAGE} are on this machine"


def check_login(registry: Registry) -> str:
    """Requires, in order: credentials for the registry in ``config.json``; and that they are
    the demo user's, with the demo password."""
    show(registry, f"grep -o '\"{ADDRESS}\"' ~/.docker/config.json")
    require(
        local_state.logged_in(registry),
        f"No credentials for {registry.address} are stored: run the `docker login` cell.",
    )
    require(
        local_state.stored_login(registry) == f"{settings.DEMO_USER}:{settings.DEMO_PASSWORD}",
        f"The credentials stored for {registry.address} are not {settings.DEMO_USER}'s "
        "user name and password: run the `docker login` cell again.",
    )
    return f"credentials for {registry.address} are stored in ~/.docker/config.json"


def check_tag(registry: Registry) -> str:
    """Requires, for each of the two tags in turn, that its registry name names the demo image."""
    show(
        registry,
        "docker image ls --format '{{.Repository}}:{{.Tag}} {{.ID}}' "
        f"{ADDRESS}/{settings.DEMO_REPOSITORY}",
    )
    source = local_state.local_image_id(registry.kit.client(), settings.DEMO_IMAGE)
    for tag in TAGS:
        require(
            local_state.local_image_id(
                registry.kit.client(), shell.mapped(registry_name(tag), registry.address)
            )
            == source,
            f"{registry_name(tag)} does not name the demo image: run its `docker tag` cell.",
        )
    return f"{' and '.join(TAGS)} both name {short(source)}, the image of {settings.DEMO_IMAGE}"


def check_push(registry: Registry) -> str:
    """Requires, in order: the base in the registry; each of the two tags there; one digest
    for both; and that digest recorded by the engine for the local demo image, so that what
    the registry holds is the image pushed from this machine."""
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
    pushed_as = f"{registry.address}/{settings.DEMO_REPOSITORY}@{digests[TAGS[0]]}"
    require(
        pushed_as in local_state.local_repo_digests(registry.kit.client(), settings.DEMO_IMAGE),
        f"The registry's {settings.DEMO_REPOSITORY} is not the image {settings.DEMO_IMAGE}: "
        "tag the demo image again (step 3) and push both tags.",
    )
    return f"{' and '.join(TAGS)} share {digests[TAGS[0]]}, and {settings.BASE_REPOSITORY} is there"


def check_pull(registry: Registry) -> str:
    """Requires, in order: the demo image gone from this machine; 0.1.0 pulled from the
    registry since the set-up (the engine's events); a container started from it after that
    pull; 0.1.0 still on this machine; and its digest the registry's."""
    kit = registry.kit
    name = shell.mapped(registry_name("0.1.0"), registry.address)
    show(registry, f"docker image ls -q {settings.DEMO_IMAGE}")
    show(
        registry,
        "docker image ls --digests --format '{{.Repository}}:{{.Tag}} {{.Digest}}' "
        f"{ADDRESS}/{settings.DEMO_REPOSITORY}",
    )
    require(
        local_state.local_image_id(kit.client(), settings.DEMO_IMAGE) is None,
        f"{settings.DEMO_IMAGE} is still on this machine: run the `docker image rm` cell.",
    )
    since = set_up_records.read(kit, "pull")["since"]
    until = set_up_records.engine_now(kit)
    pulls = [
        event
        for event in local_state.engine_events(kit, since, until, type="image", event="pull")
        if event["Actor"]["ID"] == name
    ]
    require(
        bool(pulls),
        f"{registry_name('0.1.0')} was not pulled from the registry since this step's set-up: "
        "remove every name of it with the `docker image rm` cell, then run the `docker run` cell.",
    )
    started = [
        event
        for event in local_state.engine_events(kit, since, until, type="container", event="start")
        if event["Actor"]["Attributes"].get("image") == name
        and event["timeNano"] >= pulls[0]["timeNano"]
    ]
    require(
        bool(started),
        f"No container ran from {registry_name('0.1.0')} since it was pulled: run the "
        "`docker run` cell.",
    )
    remote = registry.api.digest(settings.DEMO_REPOSITORY, "0.1.0")
    pulled = [d.split("@", 1)[1] for d in local_state.local_repo_digests(kit.client(), name)]
    require(
        bool(pulled),
        f"{registry_name('0.1.0')} is not on this machine: run the `docker run` cell.",
    )
    require(remote in pulled, "The local image does not match the registry's: pull it again.")
    return f"0.1.0 came back from the registry as {remote}"


def check_logout(registry: Registry) -> str:
    """Requires no credentials for the registry in ``config.json``."""
    show(registry, "cat ~/.docker/config.json")
    require(
        not local_state.logged_in(registry),
        f"Credentials for {registry.address} are still stored: run the `docker logout` cell.",
    )
    return f"no credentials for {registry.address} are stored"


def check_mistakes(registry: Registry) -> str:
    """Requires, in order: 0.2.0 in the registry as the same image as 0.1.0; and no
    credentials for the registry in ``config.json``."""
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
