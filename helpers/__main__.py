"""Allow ``python -m helpers VERB``."""

import sys

from helpers.cli import main

sys.exit(main())
