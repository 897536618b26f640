from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "steward.vault"
    label = "vault"
    verbose_name = "Patient vault"

    def ready(self) -> None:
        from steward.vault import (
            checks,  # noqa: F401 - registers the key checks
            rules,
        )

        rules.register_rules()
