"""Kept at this path for the code and checks that import it here: it *is* ``miwell.wellbeing.core.questionnaires``."""

import sys

from miwell.wellbeing.core import questionnaires as _module

sys.modules[__name__] = _module
