"""Work pages, one module per audience; the names are gathered here for the URLconf."""

from steward.work.views.common import BOARD_ROLES, PRACTICE_STAFF
from steward.work.views.practice import practice_tasks, task_create, task_type_edit, task_types
from steward.work.views.supervision import assistants, board, distribute, sla
from steward.work.views.tasks import (
    take_next,
    task_cancel,
    task_detail,
    task_escalate,
    task_message,
    task_reassign,
    task_resolve,
    task_resume,
    task_step,
    task_wait,
    workspace,
)

__all__ = [
    "BOARD_ROLES",
    "PRACTICE_STAFF",
    "assistants",
    "board",
    "distribute",
    "practice_tasks",
    "sla",
    "take_next",
    "task_cancel",
    "task_create",
    "task_detail",
    "task_escalate",
    "task_message",
    "task_reassign",
    "task_resolve",
    "task_resume",
    "task_step",
    "task_type_edit",
    "task_types",
    "task_wait",
    "workspace",
]
