"""Reason codes of workforce clearance: why the gate stopped a worker, and what to do."""

from __future__ import annotations

from steward.core.reasons import reason

_COMPLIANCE = "Open “My compliance” to see what is due and act on it."

MEMBERSHIP_INACTIVE = reason(
    "membership-inactive",
    "Your membership of the vendor is not active.",
    "Ask the vendor's administrator.",
)
SCREENING_MISSING = reason(
    "screening-missing",
    "A background check your role requires has not been started.",
    "Your compliance officer starts screening; " + _COMPLIANCE,
    "workforce:me",
)
SCREENING_PENDING = reason(
    "screening-pending",
    "A background check your role requires is not complete yet.",
    "Finish the screening vendor's steps; " + _COMPLIANCE,
    "workforce:me",
)
SCREENING_UNDER_REVIEW = reason(
    "screening-under-review",
    "A background check result is being reviewed by the compliance officer.",
    "You will be told the decision; " + _COMPLIANCE,
    "workforce:me",
)
SCREENING_ADVERSE = reason(
    "screening-adverse",
    "A background check result does not clear you to work with patient data.",
    "Speak to your compliance officer.",
    "workforce:me",
)
SCREENING_EXPIRED = reason(
    "screening-expired",
    "A background check your role requires is due for re-screening.",
    "Complete the re-screen; " + _COMPLIANCE,
    "workforce:me",
)
TRAINING_MISSING = reason(
    "training-missing",
    "You have not completed a course your role requires.",
    "Take the course and pass its quiz: " + _COMPLIANCE,
    "workforce:me",
)
TRAINING_EXPIRED = reason(
    "training-expired",
    "A required course you completed has expired.",
    "Take the course again and pass its quiz: " + _COMPLIANCE,
    "workforce:me",
)
TRAINING_OVERDUE = reason(
    "training-overdue",
    "A new version of a required course was due and is not completed.",
    "Take the new version and pass its quiz: " + _COMPLIANCE,
    "workforce:me",
)
POLICY_NOT_ACCEPTED = reason(
    "policy-not-accepted",
    "You have not accepted the current version of a policy your role requires.",
    "Read and accept it: " + _COMPLIANCE,
    "workforce:me",
)


# How the compliance pages name each lapse when they count workers (third person, short).
SUMMARY = {
    MEMBERSHIP_INACTIVE.code: "Membership not active",
    SCREENING_MISSING.code: "Screening not started",
    SCREENING_PENDING.code: "Screening in progress",
    SCREENING_UNDER_REVIEW.code: "Screening result under review",
    SCREENING_ADVERSE.code: "Screening not cleared",
    SCREENING_EXPIRED.code: "Re-screening due",
    TRAINING_MISSING.code: "Required course never passed",
    TRAINING_EXPIRED.code: "Course expired",
    TRAINING_OVERDUE.code: "New course version overdue",
    POLICY_NOT_ACCEPTED.code: "Policy not accepted",
}
