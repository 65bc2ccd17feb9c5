from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "juesuan.web.filings"
    label = "filings"
    verbose_name = "决算填报"
