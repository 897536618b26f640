from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "steward.work"
    label = "work"
    verbose_name = "Work queue"

    def ready(self) -> None:
        from steward.work import reasons, rules  # noqa: F401 - reasons registers the codes' words

        rules.register_rules()
