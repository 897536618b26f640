import pytest

from steward.core.reasons import describe, reason


def test_codes_are_kebab_case() -> None:
    with pytest.raises(ValueError, match="kebab-case"):
        reason("Not_Kebab", "x")


def test_a_code_cannot_be_redefined_with_other_words() -> None:
    reason("test-defined-once", "Said once.")
    reason("test-defined-once", "Said once.")
    with pytest.raises(ValueError, match="already defined"):
        reason("test-defined-once", "Said differently.")


def test_detail_codes_are_described_by_their_base() -> None:
    reason("test-consent-withdrawn", "Consent was withdrawn.", "Ask the patient.")
    described = describe("test-consent-withdrawn:reminders")
    assert described.message == "Consent was withdrawn. (reminders)"
    assert described.advice == "Ask the patient."
    assert describe("never-defined").message == "The request was refused."
