"""``/api/``: the read-only JSON API (see :mod:`juesuan.web.api.api`); any other address
under it answers a JSON 404 in Chinese."""

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path

from juesuan.web.api.api import api


def unknown(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": f"没有这个接口：{request.path[:200]}。接口说明见 /api/docs 或 /api/openapi.json"},
                        status=404, json_dumps_params={"ensure_ascii": False})


urlpatterns: list[URLPattern | URLResolver] = [
    path("", api.urls),
    re_path(r"^.*$", unknown),
]
