from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "juesuan.web.api"
    label = "api"
    verbose_name = "公开数据接口"
