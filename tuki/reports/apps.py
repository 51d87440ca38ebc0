from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tuki.reports"
