from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "juesuan.web.portal"
    label = "portal"
    verbose_name = "公开门户"
