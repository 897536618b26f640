from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "steward.workforce"
    label = "workforce"
    verbose_name = "Workforce compliance"

    def ready(self) -> None:
        from steward.workforce import rules

        rules.register_rules()
