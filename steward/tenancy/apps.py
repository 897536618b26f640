from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "steward.tenancy"
    label = "tenancy"
    verbose_name = "Organisations and memberships"

    def ready(self) -> None:
        from steward.tenancy import rules

        rules.register_rules()
