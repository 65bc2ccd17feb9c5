"""URL map: / portal (public), /desk/ (filing and review, login required), /api/ (read-only JSON),
/admin/ (organisations, users and role grants; administrators only)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from juesuan.web.filings.auth import LoginView

urlpatterns = [
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(
        template_name="registration/password_change.html", success_url="/desk/"), name="password-change"),
    path("admin/", admin.site.urls),
    path("desk/", include("juesuan.web.filings.urls")),
    path("api/", include("juesuan.web.api.urls")),
    path("jobs/", include("juesuan.web.jobs.urls")),
    path("", include("juesuan.web.portal.urls")),
]

# A request refused while it is read (too many form fields, too large a body): a Chinese page
# saying so, not Django's bare "Bad Request (400)".
handler400 = "juesuan.web.errors.bad_request"
