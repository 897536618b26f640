"""Each demo practice's published service catalogue (idempotent)."""

from __future__ import annotations

from steward.accounts.models import User
from steward.catalog import selectors, services
from steward.tenancy.models import Organization

NEVER = (
    "Give medical advice, interpret results or suggest treatment: clinical questions go to a "
    "clinician the same day.\n"
    "Decide who gets an urgent appointment: a nurse triages.\n"
    "Discuss a patient's information with anyone not on their record."
)


def _target(channel: str, priority: str, first: int, resolution: int) -> dict[str, object]:
    return {
        "channel": channel,
        "priority": priority,
        "first_response_minutes": first,
        "resolution_minutes": resolution,
    }


def seed_catalogue(practice: Organization, *, admin: User, languages: list[str]) -> None:
    if selectors.current(practice) is not None:
        return
    draft = services.draft_start(tenant=practice, actor=admin)
    if draft.services.exists():
        return
    offered = [
        (
            {
                "name": "Appointments and reminders",
                "description": "Booking, moving and cancelling appointments, and reminding "
                "patients who agreed to reminders.",
                "does": "Book, move and cancel appointments\nSend reminders by the channel "
                "the patient agreed to\nArrange interpreters and accessibility needs",
                "does_not": NEVER,
                "hours": "Monday to Friday 07:00 to 19:00, Saturday 08:00 to 12:00 (practice time)",
                "languages": languages,
                "escalation": "Anything clinical or urgent: the practice's triage nurse, "
                "within 30 minutes in opening hours. Complaints: the practice manager.",
            },
            [
                _target("phone", "urgent", 5, 60),
                _target("phone", "normal", 15, 480),
                _target("portal", "normal", 240, 1440),
                _target("sms", "normal", 120, 1440),
            ],
        ),
        (
            {
                "name": "Billing and insurance questions",
                "description": "Eligibility checks, claim status and statement questions.",
                "does": "Check insurance eligibility\nExplain a statement\nFollow up a claim "
                "with the insurer",
                "does_not": NEVER + "\nWrite off or discount a bill: the practice decides.",
                "hours": "Monday to Friday 08:00 to 17:00 (practice time)",
                "languages": languages,
                "escalation": "Disputes and hardship requests: the practice's billing manager "
                "within two business days.",
            },
            [
                _target("phone", "normal", 30, 2880),
                _target("email", "normal", 480, 4320),
                _target("portal", "normal", 480, 4320),
            ],
        ),
        (
            {
                "name": "Patient messages (non-clinical)",
                "description": "Answering the administrative messages patients send through "
                "the portal.",
                "does": "Answer questions about opening hours, forms and records requests\n"
                "Route clinical questions to the care team",
                "does_not": NEVER,
                "hours": "Monday to Friday 07:00 to 19:00 (practice time)",
                "languages": languages,
                "escalation": "Clinical content is passed to the care team at once and the "
                "patient is told who will answer.",
            },
            [
                _target("portal", "high", 60, 480),
                _target("portal", "normal", 240, 1440),
            ],
        ),
    ]
    for values, targets in offered:
        services.service_save(draft=draft, actor=admin, values=values, targets=targets)
    services.publish(draft=draft, actor=admin, summary="First published catalogue.")
