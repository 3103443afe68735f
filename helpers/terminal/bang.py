"""Make IPython's ``!`` run a notebook's commands through the kit's shell runner.

IPython's own ``!`` would run them in the user's own home, expand ``$name`` and ``{expression}``
from Python, and never fail the cell. ``guard`` (run as the kit's Jupyter kernel starts) makes
``!`` refuse until a notebook's first cell has called ``install``, which routes every ``!``
to ``shell.run`` in the kit's session: with the cells that fail on purpose expected to fail,
and in Docker Hub mode with the cells that only the kit's own registry answers skipped, each
with its reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpers import messages, settings
from helpers.errors import KitError
from helpers.kit import Kit
from helpers.terminal.shell import EITHER, FAILS, SUCCEEDS, run


class _CellWatch:
    """Remember whether the cell IPython is running fails on purpose, and why Docker Hub mode
    skips it, if it does (IPython's ``pre_run_cell`` event gives each cell's source before it
    runs). In Docker Hub mode a failure on purpose may not happen: a public repository
    answers a pull without a login."""

    def __init__(self, failing: frozenset[str], skipped: Mapping[str, str], remote: bool) -> None:
        self.failing = failing
        self.skipped = skipped
        self.on_purpose = EITHER if remote else FAILS
        self.expect = SUCCEEDS
        self.skip_reason = ""

    def before_cell(self, info: Any) -> None:
        source = (getattr(info, "raw_cell", "") or "").strip()
        self.expect = self.on_purpose if source in self.failing else SUCCEEDS
        self.skip_reason = self.skipped.get(source, "")


def _ipython(ip: Any | None) -> Any | None:
    if ip is None:
        from IPython import get_ipython

        ip = get_ipython()
    return ip


FIRST_CELL_NAMES = ("steps", "kit")
"""What a step notebook's first cell defines: a cell run before it (after a kernel restart,
say) finds neither."""


def _explain(shell: Any, kind: type, error: BaseException, tb: Any, tb_offset: Any = None) -> None:
    """Show a kit error as its one sentence, without a traceback, in the notebook's language
    (``helpers.messages``); so too a name only the first cell defines, used before it."""
    if isinstance(error, NameError):
        name = getattr(error, "name", None)
        if name not in FIRST_CELL_NAMES:
            shell.showtraceback((kind, error, tb), tb_offset=tb_offset)
            return
        kind = KitError
        error = KitError(
            f"Run this notebook's first cell first: it defines `{name}`, which this cell uses."
        )
    shown = kind(messages.in_language(str(error)))
    shell.showtraceback((kind, shown, tb), exception_only=True)


def guard(ip: Any | None = None) -> None:
    """Make ``!command`` refuse, in one sentence, until ``install`` has run (a notebook's first
    cell does it). The kit's Jupyter kernel calls this as it starts: IPython's own ``!`` would
    run a step's commands in the user's own home, where ``~/.docker/config.json`` and the
    GnuPG keys are the user's."""
    ip = _ipython(ip)
    if ip is None:
        return

    def refuse(command: str) -> None:
        raise KitError(
            "Run this notebook's first cell first: until it has, `!` would run commands in "
            "your own home, on your own ~/.docker."
        )

    ip.system = refuse
    ip.system_piped = refuse
    ip.set_custom_exc((KitError, NameError), _explain)


def install(
    kit: Kit,
    ip: Any | None = None,
    failing: frozenset[str] = frozenset(),
    address: str = settings.GUIDE_ADDRESS,
    skipped_remotely: Mapping[str, str] | None = None,
) -> None:
    """Make ``!command`` in this IPython session use ``run``, with the command exactly as typed
    (IPython would first expand ``$name`` and ``{expression}`` from Python, which a terminal
    does not: ``echo '{"credsStore": ...}'`` must stay JSON). ``failing`` holds the sources of
    the cells whose commands fail on purpose; ``address`` is the registry's real address;
    ``skipped_remotely`` gives, by cell source, why Docker Hub mode skips a cell."""
    ip = _ipython(ip)
    if ip is None:
        return
    for callback in list(ip.events.callbacks["pre_run_cell"]):
        if isinstance(getattr(callback, "__self__", None), _CellWatch):
            ip.events.unregister("pre_run_cell", callback)
    skipped = skipped_remotely if kit.remote is not None and skipped_remotely else {}
    watch = _CellWatch(failing, skipped, kit.remote is not None)
    ip.events.register("pre_run_cell", watch.before_cell)

    def system(command: str) -> None:
        if watch.skip_reason:
            print(messages.in_language(f"Docker Hub mode skips this command: {watch.skip_reason}"))
            return
        run(kit, command, address=address, expect=watch.expect, echo=True)

    ip.system = system
    ip.system_piped = system
    ip.set_custom_exc((KitError, NameError), _explain)
