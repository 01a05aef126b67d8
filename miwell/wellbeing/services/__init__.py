"""Wellbeing services: every database read and write of the daily loop, in the caller's transaction.

Each function takes the acting ``CurrentUser`` and checks role and ownership itself (see
``access``), so a state that forgets a check still cannot show or change another patient's data.
The rules themselves (validation, risk, task and message choice, calendar) come from the pure
modules of this package; this module only gathers their inputs and stores their outcomes.

The package is split by seam: ``entries`` (the patient's day and history), ``clinician`` (the
dashboard, review and replies), ``library`` (tasks and pins); ``access`` says who may touch which
patient's records and ``common`` holds what they share. This module is their public API.
"""

from miwell.wellbeing.services.common import (
    NOT_YOUR_ENTRY,
    NO_TASK,
    NOT_YOUR_TASK,
    TASK_REPEAT_DAYS,
    MESSAGE_REPEAT_DAYS,
    PRACTICE_DAYS,
    RISK_HISTORY_DAYS,
    HISTORY_RANGES,
    PIXEL_DAYS,
    FEED_LIMIT,
    EntryView,
    TaskView,
    SaveResult,
    TodayView,
    ReplyView,
    VersionView,
    EntryDetail,
    HistoryView,
    local_today,
)
from miwell.wellbeing.services.entries import (
    save_today,
    get_own_entry,
    edit_entry,
    delete_entry,
    today,
    history,
    live_signature,
)
from miwell.wellbeing.services.clinician import (
    DashboardRow,
    dashboard,
    PatientContact,
    patient_contact,
    FeedItem,
    URGENCY_ORDER,
    review_feed,
    review_counts,
    entries_signature,
    save_reply,
    mark_reviewed,
)
from miwell.wellbeing.services.library import (
    TaskVersionView,
    LibraryTask,
    list_tasks,
    task_library,
    create_task,
    update_task,
    set_task_retired,
    pinned_tasks,
    pin_task,
    unpin_task,
)
from miwell.wellbeing.services.access import (
    PermissionDenied,
    WellbeingError,
)

__all__ = [
    "DashboardRow",
    "EntryDetail",
    "EntryView",
    "FEED_LIMIT",
    "FeedItem",
    "HISTORY_RANGES",
    "HistoryView",
    "LibraryTask",
    "MESSAGE_REPEAT_DAYS",
    "NOT_YOUR_ENTRY",
    "NOT_YOUR_TASK",
    "NO_TASK",
    "PIXEL_DAYS",
    "PRACTICE_DAYS",
    "PatientContact",
    "PermissionDenied",
    "RISK_HISTORY_DAYS",
    "ReplyView",
    "SaveResult",
    "TASK_REPEAT_DAYS",
    "TaskVersionView",
    "TaskView",
    "TodayView",
    "URGENCY_ORDER",
    "VersionView",
    "WellbeingError",
    "create_task",
    "dashboard",
    "delete_entry",
    "edit_entry",
    "entries_signature",
    "get_own_entry",
    "history",
    "list_tasks",
    "live_signature",
    "local_today",
    "mark_reviewed",
    "patient_contact",
    "pin_task",
    "pinned_tasks",
    "review_counts",
    "review_feed",
    "save_reply",
    "save_today",
    "set_task_retired",
    "task_library",
    "today",
    "unpin_task",
    "update_task",
]
