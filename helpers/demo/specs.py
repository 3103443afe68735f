"""What the demo images are made of: a small multi-layer base and the learner's hello-world on it.

Both are described here and built offline from Python alone (``archive`` and ``elf``), so the
same description gives the same bytes, IDs and digests on every run. The base is published to
the registry as ``library/tinybase`` so that pushing the demo image shows ``Mounted from
library/tinybase``, as pushing onto ``ubuntu`` does on Docker Hub.
"""

from __future__ import annotations

from helpers import settings
from helpers.demo.archive import Entry, ImageSpec, Layer
from helpers.demo.elf import hello_program

_RELEASE = b'NAME="tinybase"\nVERSION_ID="1.0"\nPRETTY_NAME="tinybase 1.0 (docker-share-kit)"\n'


def base_spec(architecture: str) -> ImageSpec:
    """Describe the four-layer base image, one small change per layer."""
    layers = [
        Layer(
            [Entry("bin"), Entry("etc"), Entry("tmp", None, 0o1777), Entry("usr/bin")],
            "tinybase: make the folder tree",
        ),
        Layer([Entry("etc/os-release", _RELEASE)], "tinybase: name the system"),
        Layer(
            [
                Entry("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n"),
                Entry("etc/group", b"root:x:0:\n"),
                Entry("root", None, 0o700),
            ],
            "tinybase: add the root user",
        ),
        Layer([Entry("etc/hostname", b"tinybase\n")], "tinybase: set a host name"),
    ]
    return ImageSpec(
        repo_tags=[settings.BASE_IMAGE],
        layers=layers,
        architecture=architecture,
        labels={settings.LABEL: "demo-base"},
    )


def hello_spec(architecture: str) -> ImageSpec:
    """Describe the hello-world image: the base plus one layer holding ``/hello``."""
    base = base_spec(architecture)
    top = Layer([Entry("hello", hello_program(architecture), 0o755)], "hello-world: add /hello")
    return ImageSpec(
        repo_tags=[settings.DEMO_IMAGE],
        layers=[*base.layers, top],
        architecture=architecture,
        cmd=["/hello"],
        labels={settings.LABEL: "demo"},
    )
