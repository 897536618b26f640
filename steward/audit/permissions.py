"""Who may read the audit trail of their organisation."""

from __future__ import annotations

from steward.tenancy.roles import Role

AUDIT_READERS = frozenset({Role.PRIVACY_OFFICER, Role.AUDITOR, Role.COMPLIANCE_OFFICER})
EXPORT_LIMIT = 5000
