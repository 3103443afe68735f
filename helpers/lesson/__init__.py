"""The step notebooks: what they say, what each engine-and-CLI pair is expected to print, the
values read in, the Chinese edition, the kernels, and running them through nbval."""
