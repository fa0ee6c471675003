"""`python -m jupyter_studio.cli`: the same as `jupyter studio`."""

import sys

from . import main

sys.exit(main())
