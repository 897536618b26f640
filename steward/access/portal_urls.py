from django.urls import path

from steward.access import portal

app_name = "portal"

urlpatterns = [
    path("", portal.my_record, name="record"),
    path("access-log/", portal.my_access_log, name="access-log"),
    path("access-log/bundle/", portal.my_access_log_bundle, name="access-log-bundle"),
]
