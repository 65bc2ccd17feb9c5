from django.urls import path

from juesuan.web.jobs import views

urlpatterns = [
    path("<uuid:pk>/", views.page, name="job"),
    path("<uuid:pk>.json", views.data, name="job-json"),
]
