"""The benchmark: the kit's verification timed next to the same commands run bare."""
