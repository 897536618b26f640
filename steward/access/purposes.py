"""The purposes of use Steward starts with: their field sets are the minimum each task needs.

They are data (``PurposeOfUse`` rows, created by a migration from this list),
so a practice's privacy officer can read them on the Purposes page and an
operator can adjust them in the admin.
"""

from __future__ import annotations

from steward.tenancy.roles import Role
from steward.vault.fields import PATIENT_FIELDS

_NAME = ("given_name", "family_name", "preferred_name")
_LANGUAGE = ("preferred_language", "interpreter_needed")
_CONTACT = ("phone", "email", "contact_channel", "contact_hours")
_INSURANCE = ("insurance_payer", "insurance_plan", "insurance_member_id")
ALL_FIELDS = tuple(PATIENT_FIELDS)

DEFAULT_PURPOSES = [
    {
        "code": "appointment-scheduling",
        "name": "Appointment scheduling",
        "description": "Booking, moving and confirming appointments.",
        "fields": [
            *_NAME,
            "date_of_birth",
            "pronouns",
            "phone",
            *_LANGUAGE,
            "accessibility_needs",
            "contact_channel",
            "contact_hours",
        ],
        "roles": [Role.VMA, Role.SUPERVISOR, Role.CLIENT_ADMIN, Role.PRACTITIONER],
    },
    {
        "code": "reminders-sms",
        "name": "Reminders by SMS",
        "description": "Text-message reminders of appointments and tasks.",
        "fields": ["given_name", "preferred_name", "phone", "preferred_language"],
        "roles": [Role.VMA, Role.SUPERVISOR],
    },
    {
        "code": "reminders-email",
        "name": "Reminders by email",
        "description": "Email reminders of appointments and tasks.",
        "fields": ["given_name", "preferred_name", "email", "preferred_language"],
        "roles": [Role.VMA, Role.SUPERVISOR],
    },
    {
        "code": "billing-insurance",
        "name": "Billing and insurance",
        "description": "Eligibility checks, claims questions and statements.",
        "fields": [*_NAME, "date_of_birth", "postal_address", "phone", "email", *_INSURANCE],
        "roles": [Role.VMA, Role.SUPERVISOR, Role.CLIENT_ADMIN],
    },
    {
        "code": "patient-messaging",
        "name": "Patient messaging",
        "description": "Answering the patient's non-clinical messages.",
        "fields": ["given_name", "preferred_name", "pronouns", *_LANGUAGE, *_CONTACT],
        "roles": [Role.VMA, Role.SUPERVISOR, Role.PRACTITIONER],
    },
    {
        "code": "registration",
        "name": "Registration and intake",
        "description": "Creating and correcting the demographic and administrative record.",
        "fields": [name for name in ALL_FIELDS if name != "notes"],
        "roles": [Role.CLIENT_ADMIN, Role.PRACTITIONER],
    },
    {
        "code": "treatment",
        "name": "Treatment",
        "description": "Clinical care by the patient's practitioners.",
        "fields": list(ALL_FIELDS),
        "roles": [Role.PRACTITIONER],
    },
    {
        "code": "privacy-review",
        "name": "Privacy review",
        "description": "Investigating complaints, disclosures and access reviews.",
        "fields": list(ALL_FIELDS),
        "roles": [Role.PRIVACY_OFFICER],
    },
    {
        "code": "patient-access",
        "name": "Patient's own access",
        "description": "The patient reading their own record (HIPAA right of access).",
        "fields": list(ALL_FIELDS),
        "roles": [Role.PATIENT],
    },
    {
        "code": "vendor-processing",
        "name": "Processing by the outsourcing vendor",
        "description": "The practice's business associate (a BPO whose assistants work "
        "remotely) handles the record under a business associate agreement.",
        "fields": [],
        "roles": [],
    },
    {
        "code": "fairness-analytics",
        "name": "Quality and fairness analytics",
        "description": "De-identified analysis of how patients of different groups are served.",
        "fields": [
            "date_of_birth",
            "sex_at_birth",
            "gender_identity",
            "race",
            "ethnicity",
            "preferred_language",
            "interpreter_needed",
            "disability",
        ],
        "roles": [],
    },
    {
        "code": "emergency-access",
        "name": "Emergency access (break-glass)",
        "description": "Outside the normal rules, for a short window, always reviewed.",
        "fields": list(ALL_FIELDS),
        "roles": [Role.PRACTITIONER, Role.SUPERVISOR, Role.PRIVACY_OFFICER],
        "emergency_only": True,
    },
]

# What each role may do with patient records at all (the purpose then limits the fields).
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.PRACTITIONER: frozenset(
        {"read", "search", "create", "update", "export", "break-glass", "write-text"}
    ),
    Role.PRIVACY_OFFICER: frozenset({"read", "search", "export", "break-glass"}),
    Role.CLIENT_ADMIN: frozenset({"read", "search", "create", "update", "write-text"}),
    Role.SUPERVISOR: frozenset({"read", "search", "update", "break-glass", "write-text"}),
    Role.VMA: frozenset({"read", "search", "update", "write-text"}),
    Role.PATIENT: frozenset({"read", "export", "write-text"}),
}

DEFAULT_PURPOSE_FOR_ROLE: dict[str, str] = {
    Role.PRACTITIONER: "treatment",
    Role.PRIVACY_OFFICER: "privacy-review",
    Role.CLIENT_ADMIN: "registration",
    Role.SUPERVISOR: "appointment-scheduling",
    Role.VMA: "appointment-scheduling",
    Role.PATIENT: "patient-access",
}
