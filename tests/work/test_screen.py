"""The clinical-content screen: examples that must, and must not, be flagged."""

from __future__ import annotations

import pytest

from steward.work.screen import screen

pytestmark = pytest.mark.no_db

MUST_FLAG = [
    ("I have chest pain since this morning", "urgent-symptom"),
    ("My son can't breathe well at night", "urgent-symptom"),
    ("she fainted twice today", "urgent-symptom"),
    ("I have had a fever for three days", "symptom"),
    ("my knee hurts when I walk", "symptom"),
    ("there is a rash on my arm", "symptom"),
    ("Can I take 400 mg of ibuprofen with my pills?", "medication"),
    ("I missed a dose yesterday, should I double up?", "medication"),
    ("what are the side effects of the new medicine", "medication"),
    ("Is it normal to feel tired after the vaccine?", "clinical-question"),
    ("Should I be worried about these numbers?", "clinical-question"),
    ("what do my blood test results mean", "clinical-question"),
]
MUST_NOT_FLAG = [
    "I need to move my appointment to Tuesday afternoon",
    "Can you send me a copy of my test results for my new insurer?",
    "My insurance changed, here is the new member id",
    "Please refill my prescription at the usual pharmacy",
    "What time do you open on Saturday?",
    "I'm moving to Spain next month, please close my account",
    "Do I have an appointment next week?",
    "Thanks, that works for me!",
]


@pytest.mark.parametrize(("text", "code"), MUST_FLAG)
def test_flags_clinical_content_and_says_why(text: str, code: str) -> None:
    flags = screen(text)
    assert code in [f.code for f in flags]
    flag = next(f for f in flags if f.code == code)
    assert flag.matched.lower() in text.lower()
    assert flag.why


@pytest.mark.parametrize("text", MUST_NOT_FLAG)
def test_leaves_administrative_messages_alone(text: str) -> None:
    assert screen(text) == []
