"""Reason codes the gate can give, each with words a person understands and what to do."""

from __future__ import annotations

from steward.core.reasons import reason

NOT_FOUND = reason(
    "not-found-or-not-permitted",
    "There is no patient record here that you may open.",
    "Check the link, or search for the patient from your own organisation's list.",
)
NO_RELATIONSHIP = reason(
    "no-relationship",
    "Your organisation has no relationship with this patient's practice.",
    "Only the practice's staff, or a vendor with an active business associate agreement, "
    "may open its records.",
)
BAA_NOT_IN_FORCE = reason(
    "baa-not-in-force",
    "Your organisation's business associate agreement with this practice is not in force.",
    "Ask your administrator to check the agreement's status and dates.",
)
OPERATOR_NO_PHI = reason(
    "operator-no-phi",
    "Platform operators have no access to patient data.",
    "Operating the installation never needs a patient's record.",
)
ACCOUNT_DEACTIVATED = reason(
    "account-deactivated", "Your account is deactivated.", "Contact your administrator."
)
NO_MEMBERSHIP = reason(
    "no-current-membership",
    "You have no current membership in any organisation.",
    "Ask your administrator to renew your membership.",
)
MFA_REQUIRED = reason(
    "mfa-required",
    "This session has not completed two-factor authentication.",
    "Sign in again with your authenticator.",
)
REAUTHENTICATION_REQUIRED = reason(
    "reauthentication-required",
    "This needs you to confirm who you are again.",
    "Re-enter your password or code, then try again.",
)
ROLE_CANNOT = reason(
    "role-cannot",
    "Your role does not allow this.",
    "Ask your supervisor or the practice's privacy officer if you need it for your work.",
)
PURPOSE_NOT_FOR_ROLE = reason(
    "purpose-not-for-role",
    "Your role cannot use this purpose of use.",
    "Choose a purpose your work needs; each shows only the fields it requires.",
)
UNKNOWN_PURPOSE = reason(
    "unknown-purpose",
    "That purpose of use does not exist or is retired.",
    "Choose one of the listed purposes.",
)
FIELDS_OUTSIDE_PURPOSE = reason(
    "fields-outside-purpose",
    "Those fields are outside what this purpose may see.",
    "Choose a purpose that covers them, if your work needs them.",
)
NO_RULE_PERMITS = reason(
    "no-rule-permits", "Nothing grants this access.", "Access is denied unless a rule allows it."
)
PATIENT_DISPOSED = reason(
    "patient-disposed",
    "This record was disposed of and cannot be read.",
    "Its disposal certificate is on the Records & retention page.",
)
NOT_YOUR_RECORD = reason("not-your-record", "Patients can open their own record only.", "")
BREAK_GLASS_ROLE = reason(
    "role-cannot-break-glass",
    "Your role cannot use emergency access.",
    "Ask a practitioner, supervisor or the privacy officer.",
)
BREAK_GLASS_REASON = reason(
    "break-glass-justification-required",
    "Emergency access needs a reason and a written justification.",
    "",
)
INTEGRITY_FAILURE = reason(
    "integrity-failure",
    "The stored record failed its integrity check.",
    "The privacy officer has been alerted; do not rely on this record until it is resolved.",
)

# Denials that must look exactly like "no such patient", so ids never reveal
# what another organisation holds.
CONCEALED = frozenset(
    {NOT_FOUND.code, NO_RELATIONSHIP.code, BAA_NOT_IN_FORCE.code, NOT_YOUR_RECORD.code}
)


# When several rules deny, the person is told the most fundamental reason first.
_PRIORITY = (
    ACCOUNT_DEACTIVATED.code,
    OPERATOR_NO_PHI.code,
    NO_MEMBERSHIP.code,
    MFA_REQUIRED.code,
    PATIENT_DISPOSED.code,
    ROLE_CANNOT.code,
    BREAK_GLASS_ROLE.code,
    REAUTHENTICATION_REQUIRED.code,
    PURPOSE_NOT_FOR_ROLE.code,
    UNKNOWN_PURPOSE.code,
    FIELDS_OUTSIDE_PURPOSE.code,
)


def primary(codes: tuple[str, ...]) -> str:
    """The reason to show first among ``codes`` (each may carry a ``:detail``)."""
    if not codes:
        return NO_RULE_PERMITS.code

    def rank(code: str) -> int:
        base = code.split(":", 1)[0]
        return _PRIORITY.index(base) if base in _PRIORITY else len(_PRIORITY)

    return min(codes, key=rank)
