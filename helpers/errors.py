"""Errors a user can hit, each carrying one sentence that says what happened and what to do."""


class KitError(Exception):
    """A problem the kit explains in plain words instead of a traceback."""


class InterruptedCleanly(KeyboardInterrupt):
    """A signal stopped a run that has undone what it did before it stopped (Docker Hub mode
    logs out and takes its names off the demo images): the reader has nothing to clean up."""


class EngineUnavailable(KitError):
    """No Docker engine answers, or one the kit needs cannot be had: none runs, or one the kit
    fetched, installed or started (the main engine, a private one, its bridge) did not come up."""


class RegistryError(KitError):
    """The throwaway registry could not be started or reached."""


class ImageError(KitError):
    """A kit image could not be found, built or loaded."""


class CommandFailed(KitError):
    """A shell command in a notebook exited in a way the cell did not expect."""


class StepIncomplete(KitError):
    """A tutorial step's check found that something the step does is missing."""
