"""Reason codes the consent rule and outgoing communications give."""

from __future__ import annotations

from steward.core.reasons import reason

CONSENT_MISSING = reason(
    "consent-missing",
    "The patient has not consented to this use of their information.",
    "Ask the patient, and record their answer on their Consents page, before trying again.",
)
CONSENT_DENIED = reason(
    "consent-denied",
    "The patient declined this use of their information.",
    "Respect their choice; they can change it in the portal or by telling the practice.",
)
CONSENT_WITHDRAWN = reason(
    "consent-withdrawn",
    "The patient withdrew their consent to this use of their information.",
    "Respect their choice; they can give it again in the portal or by telling the practice.",
)
CONSENT_EXPIRED = reason(
    "consent-expired",
    "The patient's consent to this use has expired.",
    "Ask the patient whether they wish to renew it.",
)
CONSENT_STALE = reason(
    "consent-stale",
    "The practice's privacy notice changed materially and the patient has not answered again.",
    "The patient has been asked to review the new notice; wait for their answer.",
)
CONSENT_RESTRICTED = reason(
    "consent-restricted",
    "The practice agreed to the patient's request to restrict this use (HIPAA §164.522).",
    "Use another purpose only if the work truly needs it, or ask the privacy officer.",
)
NO_NOTICE = reason(
    "no-notice",
    "The practice has not published a privacy notice yet, so no consent can be informed.",
    "The privacy officer publishes the notice on the Notices page.",
)
NO_ADDRESS = reason(
    "no-address",
    "The patient has no address on file for this channel.",
    "Update the patient's contact details, or use another channel they agreed to.",
)
