"""Maintainers' tools: recording the notebooks' outputs again, and the canary for Debian's
newest Docker."""
