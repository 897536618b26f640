"""The patient record's fields: what each holds and which category of data it is.

Every field listed here is encrypted by the vault; the categories are what
purposes of use (the gate's minimum-necessary rule) grant access to.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    IDENTITY = "identity"
    DEMOGRAPHICS = "demographics"
    LANGUAGE = "language"
    ACCESSIBILITY = "accessibility"
    CONTACT = "contact"
    INSURANCE = "insurance"
    EMERGENCY = "emergency-contact"
    NOTES = "notes"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str  # text, date, bool, list, address, contact
    category: Category
    max_length: int = 200


PATIENT_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("mrn", "Medical record number", "text", Category.IDENTITY, 40),
        FieldSpec("given_name", "Given name", "text", Category.IDENTITY, 100),
        FieldSpec("family_name", "Family name", "text", Category.IDENTITY, 100),
        FieldSpec("preferred_name", "Preferred name", "text", Category.IDENTITY, 100),
        FieldSpec("date_of_birth", "Date of birth", "date", Category.IDENTITY),
        FieldSpec("sex_at_birth", "Sex assigned at birth", "text", Category.DEMOGRAPHICS, 40),
        FieldSpec("gender_identity", "Gender identity", "text", Category.DEMOGRAPHICS, 60),
        FieldSpec("pronouns", "Pronouns", "text", Category.DEMOGRAPHICS, 40),
        FieldSpec("race", "Race (OMB categories)", "list", Category.DEMOGRAPHICS),
        FieldSpec("ethnicity", "Ethnicity (OMB)", "text", Category.DEMOGRAPHICS, 60),
        FieldSpec("preferred_language", "Preferred language", "text", Category.LANGUAGE, 60),
        FieldSpec("interpreter_needed", "Needs an interpreter", "bool", Category.LANGUAGE),
        FieldSpec("disability", "Disability", "text", Category.ACCESSIBILITY, 300),
        FieldSpec(
            "accessibility_needs", "Accessibility needs", "text", Category.ACCESSIBILITY, 300
        ),
        FieldSpec("phone", "Phone (E.164)", "text", Category.CONTACT, 20),
        FieldSpec("email", "Email", "text", Category.CONTACT, 254),
        FieldSpec("postal_address", "Postal address", "address", Category.CONTACT),
        FieldSpec("contact_channel", "Preferred channel", "text", Category.CONTACT, 20),
        FieldSpec("contact_hours", "Preferred contact hours", "text", Category.CONTACT, 60),
        FieldSpec("insurance_payer", "Insurance payer", "text", Category.INSURANCE, 100),
        FieldSpec("insurance_plan", "Insurance plan", "text", Category.INSURANCE, 100),
        FieldSpec("insurance_member_id", "Insurance member id", "text", Category.INSURANCE, 60),
        FieldSpec("emergency_contact", "Emergency contact", "contact", Category.EMERGENCY),
        FieldSpec("notes", "Notes", "text", Category.NOTES, 4000),
    )
}

OMB_RACES = (
    "American Indian or Alaska Native",
    "Asian",
    "Black or African American",
    "Native Hawaiian or Other Pacific Islander",
    "White",
    "Middle Eastern or North African",
)
OMB_ETHNICITIES = ("Hispanic or Latino", "Not Hispanic or Latino", "Declined to answer")
CONTACT_CHANNELS = ("phone", "sms", "email", "portal", "mail")
SEXES = ("female", "male", "intersex", "unknown")


def fields_in(*categories: Category) -> frozenset[str]:
    return frozenset(name for name, spec in PATIENT_FIELDS.items() if spec.category in categories)
