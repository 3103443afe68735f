"""The errors the troubleshooting page quotes are the ones Docker really prints, where they
can be produced here (the others name their source on the page)."""

from __future__ import annotations

from helpers.paths import PROJECT_ROOT
from helpers.registry.container import Registry
from helpers.terminal import shell

PAGES = (PROJECT_ROOT / "docs" / "troubleshooting.md", PROJECT_ROOT / "docs/zh/troubleshooting.md")
"""The page in English and in Chinese: each quotes Docker's words as Docker prints them."""
EXAMPLE_ADDRESS = "192.168.1.20"
"""The address the page writes for "a registry elsewhere on your network"."""


def test_a_plain_http_registry_off_loopback_gives_the_quoted_error(kit, registry: Registry) -> None:
    """Reached at its container's address instead of localhost, the kit's registry (plain
    HTTP) makes a pull fail with the words both editions of the page quote, the address
    aside."""
    assert registry.container is not None
    registry.container.reload()
    networks = registry.container.attrs["NetworkSettings"]["Networks"].values()
    address = next(network["IPAddress"] for network in networks if network["IPAddress"])
    result = shell.run(
        kit, f"docker pull {address}:5000/learner/hello-world:0.1.0", expect=shell.FAILS
    )
    quoted = result.output.strip().replace(address, EXAMPLE_ADDRESS)
    assert "server gave HTTP response to HTTPS client" in quoted
    for page in PAGES:
        assert f"\n{quoted}\n" in page.read_text(encoding="utf-8"), (
            f"{page.relative_to(PROJECT_ROOT)}: {quoted}"
        )
