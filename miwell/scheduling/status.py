"""Kept at this path for the code and checks that import it here: it *is* ``miwell.scheduling.core.status``."""

import sys

from miwell.scheduling.core import status as _module

sys.modules[__name__] = _module
