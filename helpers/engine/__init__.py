"""Docker engines: the one the kit talks to (found, or installed and started on bare Debian),
the private engines that tests and pairs run side by side, Debian's packages, and the
processes, bridges and image stores behind them."""
