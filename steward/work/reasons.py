"""Reason codes of the work queue."""

from __future__ import annotations

from steward.core.reasons import reason

NO_ACTIVE_ASSIGNMENT = reason(
    "no-active-assignment",
    "You can open this patient's record only through an open task assigned to you, for that "
    "task's purpose.",
    "Take the task from your queue, or ask your supervisor to assign it to you.",
)
TASK_CLOSED = reason("task-closed", "This task is closed.", "Open tasks are in your queue.")
NOT_ASSIGNEE = reason(
    "not-assignee",
    "This task is assigned to someone else.",
    "Ask your supervisor to reassign it if you should have it.",
)
