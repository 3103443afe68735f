"""The values a step prints that differ between engines, read from the engine and the registry.

A pushed image's manifest digest and compressed layers come from the engine's own gzip (on the
classic store), an IMAGE ID is the config's digest on the classic store and the manifest's on
the containerd store, sizes follow the store, and the registry's port is whichever was free.
The kit does not mask these in the stored outputs: it reads each from its own source (the
registry's ``Docker-Content-Digest`` and manifest, ``docker image inspect``, the registry
container's port binding), and ``values_in_outputs.with_values`` writes them into the stored
output in place of the values recorded, before every byte is compared.

``read`` returns what can be read now (a value of an image not pushed yet is absent). ``Values``
keeps them for a run: a value read twice must read the same, or one image printed two digests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import docker
import requests

from helpers import settings
from helpers.demo import images
from helpers.demo.specs import base_spec, hello_spec
from helpers.errors import KitError
from helpers.kit import Kit
from helpers.registry.api import RegistryAPI
from helpers.registry.container import Registry
from helpers.registry.sessions import running_registry

ADDRESS = "address"
DEMO_IMAGES = {"hello-world": "learner/hello-world", "tinybase": "library/tinybase"}
"""Each demo image by the short name its values carry, and the repository it is pushed to."""


def human_size(size: int) -> str:
    """Write a size as ``docker image ls`` does (go-units' ``HumanSizeWithPrecision(size, 3)``:
    powers of 1000, three significant digits)."""
    units = ["B", "kB", "MB", "GB", "TB", "PB"]
    value, unit = float(size), 0
    while value >= 1000 and unit < len(units) - 1:
        value /= 1000
        unit += 1
    return f"{value:.3g}{units[unit]}"


def chain_id(diff_ids: list[str]) -> str:
    """Return the top layer's chain ID (what the classic store's ``Deleted:`` line names last)."""
    chain = diff_ids[0]
    for diff_id in diff_ids[1:]:
        chain = "sha256:" + hashlib.sha256(f"{chain} {diff_id}".encode()).hexdigest()
    return chain


def _from_engine(client: docker.DockerClient) -> dict[str, str]:
    """Read each demo image's ID, layers, chain ID and listed size, where the engine holds
    it."""
    found: dict[str, str] = {}
    # SIZE as ``docker image ls`` prints it: the image list's size (on the containerd store,
    # content and unpacked snapshot; ``image inspect`` gives the content alone there)
    listed = {summary["Id"]: int(summary["Size"]) for summary in client.api.images()}
    architecture = images.engine_architecture(client)
    for short, spec in (
        ("hello-world", hello_spec(architecture)),
        ("tinybase", base_spec(architecture)),
    ):
        image = images.demo_image(client, spec)
        if image is None:
            continue
        layers = image.attrs["RootFS"]["Layers"]
        found[f"{short} image id"] = image.id
        found[f"{short} size"] = human_size(listed.get(image.id, int(image.attrs["Size"])))
        found[f"{short} chain id"] = chain_id(layers)
        found.update({f"{short} diff id {n}": layer for n, layer in enumerate(layers)})
    return found


def _from_registry(api: RegistryAPI) -> dict[str, str]:
    """Read each demo repository's manifest digest, size, config and layer blobs, where the
    registry holds a tag of it (every tag must name one manifest)."""
    found: dict[str, str] = {}
    for short, repository in DEMO_IMAGES.items():
        digests = {tag: api.digest(repository, tag) for tag in api.tags(repository)}
        named = {digest for digest in digests.values() if digest}
        if len(named) > 1:
            raise KitError(
                f"The registry's tags of {repository} name more than one manifest ({digests}): "
                "the run pushed two images under one name."
            )
        if not named:
            continue
        tag = next(tag for tag, digest in digests.items() if digest)
        response = api.manifest(repository, tag)
        manifest = response.json()
        found[f"{short} manifest"] = named.pop()
        found[f"{short} manifest size"] = str(len(response.content))
        found[f"{short} config"] = manifest["config"]["digest"]
        found.update(
            {f"{short} layer {n}": layer["digest"] for n, layer in enumerate(manifest["layers"])}
        )
    return found


def _platforms_from_registry(api: RegistryAPI) -> dict[str, str]:
    """Read the platforms step's index and each platform's manifest digest, where the registry
    holds its tags (on the classic store they follow the engine's gzip, as the demo image's)."""
    repository = settings.PLATFORMS_REPOSITORY
    names = {f"0.1.0-{arch}": f"{PLATFORMS_VALUES}{arch} manifest" for arch in settings.PLATFORMS}
    names["0.1.0"] = f"{PLATFORMS_VALUES}index"
    tags = api.tags(repository)
    found: dict[str, str] = {}
    for tag in (tag for tag in names if tag in tags):
        digest = api.digest(repository, tag)
        if digest:
            found[names[tag]] = digest
    return found


PLATFORMS_VALUES = "platforms "
"""How the names of the platforms step's values begin (``_platforms_from_registry``)."""


RegistryOf = Callable[[Kit], "Registry | None"]
"""How a run finds the registry its commands talk to: the session's (``running_registry``),
or one a reader started by hand (the terminal test's path with only Docker)."""


def read(kit: Kit, registry_of: RegistryOf = running_registry) -> dict[str, str]:
    """Return every value the engine and the registry report now."""
    client = kit.client()
    found = _from_engine(client)
    registry = registry_of(kit)
    if registry is not None:
        found[ADDRESS] = registry.address
        try:
            found.update(_from_registry(registry.api))
            found.update(_platforms_from_registry(registry.api))
        except requests.RequestException as error:
            raise KitError(f"The registry at {registry.address} did not answer: {error}") from None
    return found


class ValueChanged(KitError):
    """A value read twice in one run read two ways."""


@dataclass
class Values:
    """The values of one engine, as read during a run: each must read the same every time.
    Without a kit, only the values given (those a recording holds)."""

    kit: Kit | None
    known: dict[str, str] = field(default_factory=dict)
    registry_of: RegistryOf = running_registry
    keeps_address: bool = False
    """Whether the address, once read, is kept until ``address_may_have_moved`` (nbval's run,
    around each set-up cell); else it is read each time."""
    _address_current: bool = field(default=False, init=False, repr=False)

    def refresh(self) -> None:
        """Read what can be read now (raise ``KitError`` if the registry does not answer), and
        raise ``ValueChanged`` if a value reads otherwise than it did earlier in the run."""
        if self.kit is None:
            return
        changed = []
        for name, value in read(self.kit, self.registry_of).items():
            if name == ADDRESS:  # the address may change (``refresh_address``)
                self.known[name] = value
                continue
            earlier = self.known.setdefault(name, value)
            if earlier != value:
                changed.append(f"the {name} reads {value} now, and read {earlier} earlier")
        if changed:
            raise ValueChanged(f"In this run {'; '.join(changed)}: one image printed two values.")

    def refresh_address(self) -> None:
        """Read the registry's address again, unless it is kept: a restarted registry takes
        another port if its own was taken meanwhile."""
        if self.kit is None or (self.keeps_address and self._address_current):
            return
        registry = self.registry_of(self.kit)
        if registry is None:
            self.known.pop(ADDRESS, None)
        else:
            self.known[ADDRESS] = registry.address
        self._address_current = True

    def address_may_have_moved(self) -> None:
        """Read the address again when it is next asked for: a set-up ran."""
        self._address_current = False

    def get(self, name: str) -> str | None:
        """Return a value (None if unreadable), read if not yet known; the address: see above."""
        if name == ADDRESS:
            self.refresh_address()
        elif name not in self.known:
            self.refresh()
        return self.known.get(name)
