from django.urls import path

from juesuan.web.portal import views

urlpatterns = [
    path("", views.home, name="portal-home"),
    path("compare/", views.compare, name="portal-compare"),
]
