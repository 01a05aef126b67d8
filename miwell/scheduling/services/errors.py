"""Refusals of the scheduling services, shared by every module of the package."""


class SchedulingError(ValueError):
    """A refusal whose message is meant for the receptionist or admin at the keyboard."""


class NotFound(SchedulingError):
    """Missing, or another organisation's: the two read the same on purpose."""


NOT_FOUND = "That record does not exist (it may have just been deleted). Reload the page."
