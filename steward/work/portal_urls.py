from django.urls import path

from steward.work import portal

app_name = "requests"

urlpatterns = [
    path("", portal.requests, name="home"),
    path("<uuid:thread_id>/", portal.thread_detail, name="thread"),
    path("<uuid:thread_id>/reply/", portal.thread_reply, name="reply"),
]
