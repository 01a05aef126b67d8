"""Kept at this path for the code and checks that import it here: it *is* ``miwell.wellbeing.core.risk``."""

import sys

from miwell.wellbeing.core import risk as _module

sys.modules[__name__] = _module
