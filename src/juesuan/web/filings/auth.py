"""Login and logout, recorded in the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from juesuan.web.filings.services import log


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: Any, **_: Any) -> None:
    log(request, "login", user=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: Any, **_: Any) -> None:
    if user is not None:
        log(request, "logout", user=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any) -> None:
    log(request, "login_failed", username=str(credentials.get("username", ""))[:150])
