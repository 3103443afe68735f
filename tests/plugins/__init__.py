"""The pytest plugins of the test run: kernels started ahead, the comparison of each
engine-and-CLI pair, the mutations it must catch, what a skip may do, and the run lock."""
