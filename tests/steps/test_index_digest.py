"""The steps' digest command works on the images learners build next: an image BuildKit
pushes with attestations is an OCI index, and the command finds its tag's digest, where a
command accepting single manifests only gets ``404`` (steps 4, 7 and 8)."""

from __future__ import annotations

import hashlib
import json
import subprocess

import pytest
import requests

from helpers.engine.image_store import CLASSIC
from helpers.registry import api as registry_api
from helpers.registry.container import Registry
from helpers.steps.check_support import ACCEPT_OPTIONS, digest_command

# It builds its own OCI index; the store does not change it.
pytestmark = pytest.mark.one_store(CLASSIC)

REPOSITORY = "learner/built"
SINGLE_MANIFEST_OPTIONS = (
    f"-H 'Accept: {registry_api.DOCKER_MANIFEST}' -H 'Accept: {registry_api.OCI_MANIFEST}'"
)
"""What the steps' command accepted before: one image's manifest only."""


def _put_blob(registry: Registry, data: bytes) -> dict[str, object]:
    digest = f"sha256:{hashlib.sha256(data).hexdigest()}"
    auth = registry_api.DEMO_LOGIN
    started = requests.post(f"{registry.url}/v2/{REPOSITORY}/blobs/uploads/", auth=auth, timeout=10)
    started.raise_for_status()
    location = started.headers["Location"]
    where = location if location.startswith("http") else f"{registry.url}{location}"
    joiner = "&" if "?" in where else "?"
    done = requests.put(f"{where}{joiner}digest={digest}", data=data, auth=auth, timeout=10)
    done.raise_for_status()
    return {"digest": digest, "size": len(data)}


def _put_manifest(registry: Registry, tag: str, kind: str, body: dict[str, object]) -> str:
    data = json.dumps(body).encode()
    answer = requests.put(
        f"{registry.url}/v2/{REPOSITORY}/manifests/{tag}",
        data=data,
        headers={"Content-Type": kind},
        auth=registry_api.DEMO_LOGIN,
        timeout=10,
    )
    answer.raise_for_status()
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def _shown_digest(registry: Registry, command: str) -> str:
    typed = command.replace("localhost:5000", registry.address)
    env = registry.kit.environment.child()
    done = subprocess.run(
        ["bash", "-c", typed], env=env, capture_output=True, text=True, timeout=30
    )
    return done.stdout.strip().removeprefix("Docker-Content-Digest: ")


def test_the_digest_command_finds_the_digest_of_an_index(registry: Registry) -> None:
    config = _put_blob(
        registry, b'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'
    )
    layer = _put_blob(registry, b"not a real layer, only content to point at")
    manifest = {
        "schemaVersion": 2,
        "mediaType": registry_api.OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", **layer}],
    }
    image = _put_manifest(registry, "single", registry_api.OCI_MANIFEST, manifest)
    size = len(json.dumps(manifest).encode())
    index = {
        "schemaVersion": 2,
        "mediaType": registry_api.OCI_INDEX,
        "manifests": [
            {
                "mediaType": registry_api.OCI_MANIFEST,
                "digest": image,
                "size": size,
                "platform": {"architecture": "amd64", "os": "linux"},
            }
        ],
    }
    built = _put_manifest(registry, "0.1.0", registry_api.OCI_INDEX, index)
    command = digest_command(REPOSITORY, "0.1.0")
    assert _shown_digest(registry, command) == built
    older = command.replace(ACCEPT_OPTIONS, SINGLE_MANIFEST_OPTIONS)
    assert _shown_digest(registry, older) == "", "a single-manifest Accept found the index"
