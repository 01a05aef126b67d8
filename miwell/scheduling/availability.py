"""Kept at this path for the code and checks that import it here: it *is* ``miwell.scheduling.core.availability``."""

import sys

from miwell.scheduling.core import availability as _module

sys.modules[__name__] = _module
