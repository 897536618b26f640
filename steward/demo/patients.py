"""Synthetic patients for the demo: about 600, with realistic diversity.

Age, language (and interpreter need), race and ethnicity (OMB categories,
several allowed), disability and accessibility needs, and insurance type are
drawn from fixed distributions with a fixed seed. Every name, address, phone
number (555-01xx, reserved for fiction), email (example.* domains) and MRN is
made up.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from faker import Faker

LANGUAGES = [  # (language, share, Faker locale for names)
    ("English", 0.68, "en_US"),
    ("Spanish", 0.18, "es_MX"),
    ("Vietnamese", 0.03, "vi_VN"),
    ("Chinese (Mandarin)", 0.03, "zh_CN"),
    ("Tagalog", 0.02, "fil_PH"),
    ("Arabic", 0.02, "ar_AA"),
    ("Haitian Creole", 0.015, "fr_FR"),
    ("Russian", 0.015, "ru_RU"),
    ("Korean", 0.01, "ko_KR"),
]
RACES = {
    "English": [
        ("White", 0.55),
        ("Black or African American", 0.25),
        ("Asian", 0.07),
        ("American Indian or Alaska Native", 0.04),
        ("Native Hawaiian or Other Pacific Islander", 0.02),
        ("Middle Eastern or North African", 0.07),
    ],
    "Spanish": [
        ("White", 0.55),
        ("American Indian or Alaska Native", 0.2),
        ("Black or African American", 0.1),
        ("Declined", 0.15),
    ],
    "Arabic": [("Middle Eastern or North African", 0.9), ("White", 0.1)],
    "Haitian Creole": [("Black or African American", 1.0)],
    "Russian": [("White", 1.0)],
}
ASIAN_LANGUAGES = {"Vietnamese", "Chinese (Mandarin)", "Tagalog", "Korean"}
DISABILITIES = [
    ("Deaf or hard of hearing", "ASL interpreter or captioned video visits"),
    ("Blind or low vision", "Large print and screen-reader friendly messages"),
    ("Mobility impairment (wheelchair user)", "Step-free access; extra time at check-in"),
    ("Cognitive disability", "Plain-language instructions; a support person may join"),
    ("Chronic illness with fatigue", "Short appointments; telehealth when possible"),
]
COMMERCIAL = ["Aetna", "Blue Cross Blue Shield", "UnitedHealthcare", "Cigna"]
AREA_CODES = {
    "America/New_York": ["212", "347", "516", "631", "718", "845", "914"],
    "America/Los_Angeles": ["213", "310", "415", "510", "626", "714", "818"],
}
STATES = {"America/New_York": "NY", "America/Los_Angeles": "CA"}


@dataclass
class SyntheticPatient:
    values: dict[str, Any]
    last_activity_on: dt.date


def _weighted(rng: random.Random, choices: list[tuple[str, float]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


class PatientFactory:
    def __init__(
        self,
        *,
        seed: int,
        prefix: str,
        time_zone: str,
        pediatric: bool,
        today: dt.date,
        unique_phones: bool = True,
    ) -> None:
        self.rng = random.Random(seed)
        self.prefix = prefix
        self.zone = time_zone
        self.pediatric = pediatric
        self.today = today
        self.fakers: dict[str, Faker] = {}
        self.english = self._faker("en_US")
        self.used_phones: set[str] = set()
        self.unique_phones = unique_phones

    def _faker(self, locale: str) -> Faker:
        if locale not in self.fakers:
            faker = Faker(locale)
            faker.seed_instance(self.rng.randint(0, 2**31))
            self.fakers[locale] = faker
        return self.fakers[locale]

    def _phone(self, *, unique: bool = True) -> str:
        """A 555-01xx number (reserved for fiction); a patient's own is unique in the practice."""
        pool = len(AREA_CODES[self.zone]) * 100
        if unique and len(self.used_phones) >= pool:
            raise RuntimeError("The fictional phone numbers are used up; add area codes.")
        while True:
            number = f"+1{self.rng.choice(AREA_CODES[self.zone])}5550{self.rng.randint(100, 199)}"
            if not unique or number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def _birth_date(self) -> dt.date:
        if self.pediatric:
            age_days = self.rng.randint(14, 18 * 365)
        else:
            age_days = int(self.rng.triangular(0, 95, 42) * 365.25)
        return self.today - dt.timedelta(days=age_days)

    def make(self, number: int) -> SyntheticPatient:
        rng = self.rng
        language, _, locale = rng.choices(LANGUAGES, weights=[w for _, w, _ in LANGUAGES])[0]
        names = self._faker(locale)
        sex = rng.choices(["female", "male", "intersex"], weights=[0.495, 0.495, 0.01])[0]
        born = self._birth_date()
        age = (self.today - born).days // 365
        given = names.first_name_female() if sex == "female" else names.first_name_male()
        family = names.last_name()
        if language in ASIAN_LANGUAGES:
            race = ["Asian"]
        else:
            picked = _weighted(rng, RACES.get(language, RACES["English"]))
            race = [] if picked == "Declined" else [picked]
            if race and rng.random() < 0.05:
                race.append(_weighted(rng, RACES["English"]))
        ethnicity = (
            "Hispanic or Latino"
            if language == "Spanish" or rng.random() < 0.06
            else rng.choices(
                ["Not Hispanic or Latino", "Declined to answer"], weights=[0.95, 0.05]
            )[0]
        )
        identity_roll = rng.random()
        if age >= 13 and identity_roll < 0.02:
            gender, pronouns = "non-binary", "they/them"
        elif age >= 13 and identity_roll < 0.035:
            gender = "transgender woman" if sex == "male" else "transgender man"
            pronouns = "she/her" if sex == "male" else "he/him"
        else:
            gender = {"female": "woman", "male": "man"}.get(sex, "prefer to self-describe")
            pronouns = {"female": "she/her", "male": "he/him"}.get(sex, "they/them")
        if self.pediatric and age < 13:
            gender, pronouns = "", ""
        disability, accessibility = rng.choice(DISABILITIES) if rng.random() < 0.14 else ("", "")
        insurance = self._insurance(age)
        has_email = rng.random() < 0.7
        username = self.english.user_name()
        guardian = self.english.name()
        values: dict[str, Any] = {
            "mrn": f"{self.prefix}-{number:06d}",
            "given_name": given,
            "family_name": family,
            "preferred_name": given.split(" ")[0] if rng.random() < 0.15 else None,
            "date_of_birth": born.isoformat(),
            "sex_at_birth": sex,
            "gender_identity": gender or None,
            "pronouns": pronouns or None,
            "race": race or None,
            "ethnicity": ethnicity,
            "preferred_language": language,
            "interpreter_needed": language != "English" and rng.random() < 0.7,
            "disability": disability or None,
            "accessibility_needs": accessibility or None,
            "phone": self._phone(unique=self.unique_phones),
            "email": f"{username}{number}@example.{rng.choice(['com', 'net', 'org'])}"
            if has_email
            else None,
            "postal_address": {
                "line1": self.english.street_address(),
                "city": self.english.city(),
                "state": STATES[self.zone],
                "postal_code": self.english.postcode(),
                "country": "US",
            },
            "contact_channel": rng.choice(
                ["phone", "sms", "email" if has_email else "phone", "portal"]
            ),
            "contact_hours": rng.choice(
                ["weekday mornings", "weekday afternoons", "evenings after 5pm", "any time"]
            ),
            **insurance,
            "emergency_contact": {
                "name": guardian,
                "relationship": "parent"
                if age < 18
                else rng.choice(["spouse", "partner", "sibling", "adult child", "friend"]),
                "phone": self._phone(unique=False),
            },
            "notes": rng.choice(
                [
                    None,
                    None,
                    "Prefers afternoon appointments.",
                    "Ask for the preferred name at check-in.",
                    "Send reminders two days ahead.",
                ]
            ),
        }
        # Most records were active recently; a few are past a six-year retention period.
        idle_days = (
            int(rng.expovariate(1 / 200))
            if rng.random() > 0.02
            else rng.randint(6 * 366 + 30, 9 * 365)
        )
        return SyntheticPatient(values, self.today - dt.timedelta(days=idle_days))

    def _insurance(self, age: int) -> dict[str, Any]:
        rng = self.rng
        if age >= 65:
            payer, plan = "Medicare", rng.choice(["Part B", "Medicare Advantage"])
        elif rng.random() < (0.4 if self.pediatric else 0.3):
            payer, plan = (
                "CHIP" if self.pediatric and rng.random() < 0.3 else "State Medicaid",
                "Managed care",
            )
        elif rng.random() < 0.08:
            return {
                "insurance_payer": "Uninsured (self-pay)",
                "insurance_plan": None,
                "insurance_member_id": None,
            }
        else:
            payer, plan = rng.choice(COMMERCIAL), rng.choice(["PPO", "HMO", "EPO"])
        member = f"{payer[:3].upper().replace(' ', 'X')}{rng.randint(10**8, 10**9 - 1)}"
        return {"insurance_payer": payer, "insurance_plan": plan, "insurance_member_id": member}

    def many(self, count: int, start: int = 1) -> Iterator[SyntheticPatient]:
        for number in range(start, start + count):
            yield self.make(number)
