"""The checks of steps 2 to 6 in Docker Hub mode: each asks the registry itself, through the
engine, and the machine's own state, since what a command prints on someone's own account
cannot be stored and compared."""

from __future__ import annotations

from helpers import settings
from helpers.hub.account import remote_digest, remote_of
from helpers.kit import Kit
from helpers.settings import DEMO_TAGS as TAGS
from helpers.steps import local_state
from helpers.steps.check_support import require, short, show_in


def _local_name(kit: Kit, tag: str, repository: str = settings.DEMO_REPOSITORY) -> str:
    return remote_of(kit).name(repository, tag)


def check_login(kit: Kit) -> str:
    key = remote_of(kit).config_key
    show_in(kit, f"grep -o '\"{key}\"' ~/.docker/config.json")
    require(
        key in local_state.stored_auths(kit),
        f"No credentials are stored under {key}: run the `docker login` cell.",
    )
    return f"credentials for {remote_of(kit).host} are stored under {key} in ~/.docker/config.json"


def check_tag(kit: Kit) -> str:
    repository = remote_of(kit).repository(settings.DEMO_REPOSITORY)
    template = "'{{.Repository}}:{{.Tag}} {{.ID}}'"
    show_in(kit, f"docker image ls --format {template} {repository}")
    source = local_state.local_image_id(kit.client(), settings.DEMO_IMAGE)
    for tag in TAGS:
        require(
            local_state.local_image_id(kit.client(), _local_name(kit, tag)) == source,
            f"{_local_name(kit, tag)} does not name the demo image: run its `docker tag` cell.",
        )
    return f"{' and '.join(TAGS)} both name {short(source)}, the image of {settings.DEMO_IMAGE}"


def check_push(kit: Kit) -> str:
    name = _local_name(kit, TAGS[0])
    show_in(kit, f"docker image inspect --format '{{{{json .RepoDigests}}}}' {name}")
    digests = {tag: remote_digest(kit, settings.DEMO_REPOSITORY, tag) for tag in TAGS}
    for tag, digest in digests.items():
        require(digest is not None, f"The registry has no tag {tag}: run its `docker push` cell.")
    require(len(set(digests.values())) == 1, "The two tags name different images: push both again.")
    digest = digests[TAGS[0]]
    recorded = local_state.local_repo_digests(kit.client(), name)
    require(
        any(entry.endswith(f"@{digest}") for entry in recorded),
        f"The registry's {digest} is not the digest your push recorded: push {TAGS[0]} again.",
    )
    base = _local_name(kit, "latest", settings.BASE_REPOSITORY)
    require(
        remote_digest(kit, settings.BASE_REPOSITORY, "latest") is not None,
        f"The registry has no {base}: run the cells that tag and push the base image.",
    )
    return f"{' and '.join(TAGS)} share {digest}, the digest your push recorded"


def check_pull(kit: Kit) -> str:
    name = _local_name(kit, TAGS[0])
    show_in(kit, f"docker image inspect --format '{{{{json .RepoDigests}}}}' {name}")
    require(
        local_state.local_image_id(kit.client(), settings.DEMO_IMAGE) is None,
        f"{settings.DEMO_IMAGE} is still on this machine: run the `docker image rm` cell.",
    )
    digest = remote_digest(kit, settings.DEMO_REPOSITORY, TAGS[0])
    pulled = local_state.local_repo_digests(kit.client(), name)
    require(bool(pulled), f"{name} is not on this machine: run the `docker run` cell.")
    require(
        any(entry.endswith(f"@{digest}") for entry in pulled),
        "The local image does not match the registry's: pull it again.",
    )
    return f"{TAGS[0]} came back from {remote_of(kit).host} as {digest}"


def check_logout(kit: Kit) -> str:
    key = remote_of(kit).config_key
    show_in(kit, "cat ~/.docker/config.json")
    require(
        key not in local_state.stored_auths(kit),
        f"Credentials are still stored under {key}: run the `docker logout` cell.",
    )
    return f"no credentials are stored under {key}"
