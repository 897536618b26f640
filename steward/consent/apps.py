from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "steward.consent"
    label = "consent"
    verbose_name = "Consent and notices"

    def ready(self) -> None:
        from steward.consent import rules

        rules.register_rules()
