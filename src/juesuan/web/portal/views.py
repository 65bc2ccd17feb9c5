"""Public portal pages (placeholder until the portal lands)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")


def compare(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")
