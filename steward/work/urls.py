from django.urls import path

from steward.work import views

app_name = "work"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("next/", views.take_next, name="next"),
    path("board/", views.board, name="board"),
    path("board/distribute/<uuid:team_id>/", views.distribute, name="distribute"),
    path("sla/", views.sla, name="sla"),
    path("practice/", views.practice_tasks, name="practice"),
    path("types/", views.task_types, name="task-types"),
    path("types/new/", views.task_type_edit, name="task-type-new"),
    path("types/<slug:code>/", views.task_type_edit, name="task-type-edit"),
    path("assistants/", views.assistants, name="assistants"),
    path("new/<uuid:patient_id>/", views.task_create, name="create"),
    path("tasks/<uuid:task_id>/", views.task_detail, name="task"),
    path("tasks/<uuid:task_id>/step/", views.task_step, name="step"),
    path("tasks/<uuid:task_id>/wait/", views.task_wait, name="wait"),
    path("tasks/<uuid:task_id>/resume/", views.task_resume, name="resume"),
    path("tasks/<uuid:task_id>/resolve/", views.task_resolve, name="resolve"),
    path("tasks/<uuid:task_id>/escalate/", views.task_escalate, name="escalate"),
    path("tasks/<uuid:task_id>/cancel/", views.task_cancel, name="cancel"),
    path("tasks/<uuid:task_id>/message/", views.task_message, name="message"),
    path("tasks/<uuid:task_id>/reassign/", views.task_reassign, name="reassign"),
]
