from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "steward.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from steward.accounts import receivers

        receivers.connect()
