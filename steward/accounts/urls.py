from django.urls import path

from steward.accounts import views

app_name = "accounts"

urlpatterns = [
    path(
        "welcome/<str:uidb64>/<str:token>/",
        views.accept_invitation,
        name="accept-invitation",
    ),
]
