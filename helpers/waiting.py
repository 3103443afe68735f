"""Waiting until something holds, with a deadline: the kit's one way to wait.

The engine starting, a registry answering, a port freed, a process gone: each is a condition
asked again at an interval until it holds or its time is up. tenacity does the asking; a
condition that learns the wait is hopeless (the process it waits for died) raises ``GiveUp``
to end it at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from tenacity import Retrying, retry_if_result, stop_after_delay, wait_fixed

T = TypeVar("T")


class GiveUp(Exception):
    """Raised by a condition to stop the wait at once: it cannot hold any more."""


def until(condition: Callable[[], T], *, timeout: float, interval: float) -> T | None:
    """Ask ``condition`` every ``interval`` seconds until it returns something true, and
    return that; return None once ``timeout`` seconds have passed (at once, without asking,
    if ``timeout`` is not positive), or it raised ``GiveUp``."""
    if timeout <= 0:
        return None
    retrying = Retrying(
        stop=stop_after_delay(timeout),
        wait=wait_fixed(interval),
        retry=retry_if_result(lambda result: not result),
        retry_error_callback=lambda state: None,
    )
    try:
        return retrying(condition)
    except GiveUp:
        return None
