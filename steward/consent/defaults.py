"""What a practice's consent policy says until its privacy officer changes it.

HIPAA lets a practice use records for treatment, payment and operations
without asking; marketing-like contact (reminders by a channel the patient
did not choose), analytics beyond operations, and — where the practice
decides so — processing by its vendor are matters of the patient's choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from steward.vault.fields import Category


@dataclass(frozen=True)
class PolicyDefault:
    consent_required: bool
    data_categories: tuple[str, ...]
    plain_language: str


DEFAULT_POLICIES: dict[str, PolicyDefault] = {
    "appointment-scheduling": PolicyDefault(
        False,
        (Category.IDENTITY, Category.LANGUAGE, Category.ACCESSIBILITY, Category.CONTACT),
        "We use your name, contact details and access needs to book and move appointments.",
    ),
    "reminders-sms": PolicyDefault(
        True,
        (Category.IDENTITY, Category.CONTACT, Category.LANGUAGE),
        "With your permission, we text your mobile phone to remind you of appointments.",
    ),
    "reminders-email": PolicyDefault(
        True,
        (Category.IDENTITY, Category.CONTACT, Category.LANGUAGE),
        "With your permission, we email you to remind you of appointments.",
    ),
    "billing-insurance": PolicyDefault(
        False,
        (Category.IDENTITY, Category.CONTACT, Category.INSURANCE),
        "We use your insurance details to check cover, send claims and answer bill questions.",
    ),
    "patient-messaging": PolicyDefault(
        False,
        (Category.IDENTITY, Category.CONTACT, Category.LANGUAGE),
        "We read and answer the non-clinical messages you send us.",
    ),
    "registration": PolicyDefault(
        False,
        tuple(c for c in Category if c != Category.NOTES),
        "We create and correct your record when you register or your details change.",
    ),
    "treatment": PolicyDefault(
        False,
        tuple(Category),
        "Your clinicians use your whole record to care for you.",
    ),
    "privacy-review": PolicyDefault(
        False,
        tuple(Category),
        "Our privacy officer looks at your record to investigate complaints and check access.",
    ),
    "patient-access": PolicyDefault(
        False, tuple(Category), "You can read your own record at any time."
    ),
    "vendor-processing": PolicyDefault(
        False,
        (Category.IDENTITY, Category.CONTACT, Category.LANGUAGE, Category.INSURANCE),
        "Assistants employed by our outsourcing vendor, working remotely under a business "
        "associate agreement, handle scheduling, reminders and billing questions for us.",
    ),
    "fairness-analytics": PolicyDefault(
        True,
        (Category.DEMOGRAPHICS, Category.LANGUAGE, Category.ACCESSIBILITY),
        "With your permission, we include your de-identified details when we check that "
        "patients of every background are served equally well.",
    ),
    "emergency-access": PolicyDefault(
        False,
        tuple(Category),
        "In an emergency, staff may open your record outside the usual rules; every such "
        "access is reviewed by our privacy officer.",
    ),
}

FALLBACK = PolicyDefault(False, (), "")


def default_notice(practice_name: str, vendor_names: list[str]) -> dict[str, str]:
    """A first notice a privacy officer can publish as is, then revise."""
    vendors = ", ".join(vendor_names) or "our outsourcing vendor"
    return {
        "collection": (
            "We collect your name, date of birth, contact details, insurance, language and "
            "accessibility needs, and what you tell us when you register, call or message us."
        ),
        "purposes": (
            "We use it to treat you, to book and remind you of appointments, to bill your "
            "insurer, and to answer your messages. Text and email reminders, and our fairness "
            "analytics, happen only if you say yes; you can change your mind at any time."
        ),
        "handlers": (
            f"{practice_name}'s staff, and assistants employed by {vendors}, who work "
            "remotely under a business associate agreement. They see only what each task "
            "needs, never give medical advice, and every access is recorded."
        ),
        "storage": (
            "Your details are encrypted field by field with keys kept apart from the database. "
            "Staff must use two-factor authentication."
        ),
        "retention": (
            "We keep your record for as long as the law requires after your last visit, then "
            "destroy its encryption key so it can never be read again, and record that we did."
        ),
        "rights": (
            "You may read your record, ask for corrections, see who looked at it, ask us to "
            "restrict uses, withdraw any consent, and get a list of disclosures."
        ),
        "contacts": (
            f"{practice_name}'s privacy officer. You may also complain to the U.S. Department "
            "of Health and Human Services; we will never retaliate."
        ),
    }
