from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "steward.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from steward.audit import receivers

        receivers.connect()
