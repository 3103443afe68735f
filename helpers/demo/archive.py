"""Write images as docker-archive tarballs, byte for byte the same on every run.

``docker import`` stamps the current time into an image, so its ID changes on every build.
A tar written here has fixed times, owners and ordering, and a compact sorted JSON config,
so ``docker load`` gives the same image ID everywhere, and a push gives the same digest.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from dataclasses import dataclass, field

from helpers.errors import ImageError

CREATED = "2026-01-01T00:00:00Z"
"""The fixed creation time of every image the kit builds."""

ENGINE_ARCHITECTURES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


@dataclass(frozen=True)
class Entry:
    """One file or folder in a layer; folders have ``data=None``."""

    path: str
    data: bytes | None = None
    mode: int = 0o644


@dataclass
class Layer:
    """A filesystem layer and the history line that explains where it came from."""

    entries: list[Entry]
    created_by: str


@dataclass
class ImageSpec:
    """Everything that goes into an image's config, apart from its layers' digests."""

    repo_tags: list[str]
    layers: list[Layer]
    architecture: str
    cmd: list[str] | None = None
    entrypoint: list[str] | None = None
    env: list[str] = field(default_factory=lambda: ["PATH=/bin:/usr/bin"])
    labels: dict[str, str] = field(default_factory=dict)
    exposed_ports: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)


def docker_architecture(machine: str) -> str:
    """Map an engine's ``Architecture`` (``x86_64``, ``aarch64``) to an image architecture."""
    try:
        return ENGINE_ARCHITECTURES[machine]
    except KeyError:
        raise ImageError(
            f"This engine runs on {machine}, and the kit builds its demo images for amd64 and "
            "arm64 only: use an engine on one of those."
        ) from None


def layer_tar(layer: Layer) -> bytes:
    """Return the layer as an uncompressed tar with parent folders, sorted, owned by root."""
    files: dict[str, Entry] = {}
    for entry in layer.entries:
        parts = entry.path.strip("/").split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            files.setdefault(folder, Entry(folder, None, 0o755))
        files["/".join(parts)] = Entry("/".join(parts), entry.data, entry.mode)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(files):
            _add(tar, files[name])
    return buffer.getvalue()


def _add(tar: tarfile.TarFile, entry: Entry) -> None:
    info = tarfile.TarInfo(entry.path + ("/" if entry.data is None else ""))
    info.mode, info.mtime, info.uid, info.gid = entry.mode, 0, 0, 0
    info.uname = info.gname = ""
    if entry.data is None:
        info.type = tarfile.DIRTYPE
        tar.addfile(info)
    else:
        info.size = len(entry.data)
        tar.addfile(info, io.BytesIO(entry.data))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _dumps(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def image_config(spec: ImageSpec, diff_ids: list[str]) -> bytes:
    """Return the image config JSON; its sha256 is the image ID the engine will report."""
    config: dict[str, object] = {"Env": spec.env, "Labels": spec.labels}
    if spec.cmd is not None:
        config["Cmd"] = spec.cmd
    if spec.entrypoint is not None:
        config["Entrypoint"] = spec.entrypoint
    if spec.exposed_ports:
        config["ExposedPorts"] = {port: {} for port in spec.exposed_ports}
    if spec.volumes:
        config["Volumes"] = {volume: {} for volume in spec.volumes}
    return _dumps(
        {
            "architecture": spec.architecture,
            "config": config,
            "created": CREATED,
            "history": [{"created": CREATED, "created_by": x.created_by} for x in spec.layers],
            "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
        }
    )


def diff_ids(spec: ImageSpec) -> list[str]:
    """Return the image's layer IDs (``sha256:`` of each uncompressed layer), base first."""
    return [f"sha256:{_sha256(layer_tar(layer))}" for layer in spec.layers]


def docker_archive(spec: ImageSpec) -> tuple[bytes, str]:
    """Return a ``docker load``-able tar of the image and the image ID it will get."""
    tars = [layer_tar(layer) for layer in spec.layers]
    digests = [_sha256(t) for t in tars]
    config = image_config(spec, [f"sha256:{d}" for d in digests])
    config_name = f"{_sha256(config)}.json"
    manifest = [
        {
            "Config": config_name,
            "RepoTags": spec.repo_tags,
            "Layers": [f"{d}/layer.tar" for d in digests],
        }
    ]
    members = {"manifest.json": _dumps(manifest), config_name: config}
    members.update({f"{d}/layer.tar": t for d, t in zip(digests, tars, strict=True)})
    image = Layer([Entry(name, data) for name, data in members.items()], "archive")
    return layer_tar(image), f"sha256:{_sha256(config)}"
