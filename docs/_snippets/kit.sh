# Commands that look after the kit's engine and registry, included by the site's pages.
# --8<-- [start:status]
.venv/bin/python -m helpers status
# --8<-- [end:status]
# --8<-- [start:engine]
.venv/bin/python -m helpers engine
# --8<-- [end:engine]
# --8<-- [start:down]
.venv/bin/python -m helpers down
# --8<-- [end:down]
# --8<-- [start:reset]
.venv/bin/python -m helpers reset
# --8<-- [end:reset]
# --8<-- [start:terminal]
scripts/setup
.venv/bin/python -m helpers terminal
# --8<-- [end:terminal]
# --8<-- [start:terminal-zh]
scripts/setup
KIT_LANGUAGE=zh .venv/bin/python -m helpers terminal
# --8<-- [end:terminal-zh]
