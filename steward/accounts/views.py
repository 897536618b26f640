"""Account pages that allauth does not provide: accepting an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from steward.accounts.forms import InitialPasswordForm
from steward.accounts.models import User
from steward.accounts.services import user_set_initial_password


def _invited_user(uidb64: str, token: str) -> User | None:
    try:
        user_id = force_str(urlsafe_base64_decode(uidb64))
        user = User.objects.filter(pk=user_id, is_active=True).first()
    except (ValueError, ValidationError):
        return None
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def accept_invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = _invited_user(uidb64, token)
    if user is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = InitialPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            user_set_initial_password(user=user, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            messages.success(request, "Your password is set. Sign in to continue.")
            return redirect("account_login")
    return render(request, "accounts/accept_invitation.html", {"form": form, "invitee": user})
