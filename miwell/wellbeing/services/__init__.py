"""Wellbeing services: every database read and write of the daily loop, in the caller's transaction.

Each function takes the acting ``CurrentUser`` and checks role and ownership itself (see
``access``), so a state that forgets a check still cannot show or change another patient's data.
The rules themselves (validation, risk, task and message choice, calendar) come from the pure
modules of this package; this module only gathers their inputs and stores their outcomes.

The package is split by seam: ``entries`` (the patient's day and history), ``clinician`` (the
dashboard, review and replies), ``library`` (tasks and pins); ``access`` says who may touch which
patient's records and ``common`` holds what they share. This module is their public API.
"""

from miwell.wellbeing.services.access import (
    PermissionDenied,
    WellbeingError,
)
from miwell.wellbeing.services.clinician import (
    URGENCY_ORDER,
    DashboardRow,
    FeedItem,
    PatientContact,
    dashboard,
    entries_signature,
    mark_reviewed,
    patient_contact,
    review_counts,
    review_feed,
    save_reply,
)
from miwell.wellbeing.services.common import (
    FEED_LIMIT,
    HISTORY_RANGES,
    MESSAGE_REPEAT_DAYS,
    NO_TASK,
    NOT_YOUR_ENTRY,
    NOT_YOUR_TASK,
    PIXEL_DAYS,
    PRACTICE_DAYS,
    RISK_HISTORY_DAYS,
    TASK_REPEAT_DAYS,
    EntryDetail,
    EntryView,
    HistoryView,
    ReplyView,
    SaveResult,
    TaskView,
    TodayView,
    VersionView,
    local_today,
)
from miwell.wellbeing.services.entries import (
    answer_screener,
    delete_entry,
    edit_entry,
    get_own_entry,
    history,
    live_signature,
    save_today,
    today,
)
from miwell.wellbeing.services.library import (
    LibraryTask,
    TaskVersionView,
    create_task,
    list_tasks,
    pin_task,
    pinned_tasks,
    set_task_retired,
    task_library,
    unpin_task,
    update_task,
)

__all__ = [
    "answer_screener",
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
