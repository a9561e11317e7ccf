"""`python -m redshoes` runs the command line."""

import sys

from redshoes.cli import main

sys.exit(main())
