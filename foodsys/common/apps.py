from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "foodsys.common"
    label = "common"
