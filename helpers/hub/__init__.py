"""Docker Hub mode: steps 2 to 6 against the reader's own account."""
