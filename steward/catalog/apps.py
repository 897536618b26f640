from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "steward.catalog"
    label = "catalog"
    verbose_name = "Service catalogue"
