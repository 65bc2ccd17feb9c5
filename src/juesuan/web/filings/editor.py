"""Editing a filing in forms (placeholder until the editor lands)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    return redirect("filing", pk=pk)


@login_required
def new(request: HttpRequest) -> HttpResponse:
    return redirect("workspace")
