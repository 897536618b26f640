from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "steward.access"
    label = "access"
    verbose_name = "Access gate"

    def ready(self) -> None:
        from steward.access import rules

        rules.register_all()
