"""Running commands as a reader's terminal would: the shell runner behind a notebook's ``!``,
the pseudo-terminal, the final screen, and the lines a reader pastes into their own terminal."""
