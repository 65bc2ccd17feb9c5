from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "juesuan.web.orgs"
    label = "orgs"
    verbose_name = "组织与用户"
