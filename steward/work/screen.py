"""Screening incoming patient messages for clinical content an assistant must not handle.

Plain, explainable rules: each names what it looks for and why, and a match
says which words triggered it. A flagged message is escalated to a clinician
or supervisor with one action; the assistant sees the reason. Rules err on the
side of flagging: a false alarm costs a minute, a missed symptom can cost more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    why: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    why: str
    matched: str


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


RULES = (
    Rule(
        "urgent-symptom",
        "Possible emergency",
        "Symptoms that may need emergency care: tell the patient to call 911 and escalate now.",
        _words(
            r"chest pains?",
            r"can'?t breathe",
            r"(?:trouble|difficulty|hard) breathing",
            r"short(?:ness)? of breath",
            r"unconscious",
            r"passed out",
            r"faint(?:ed|ing)?",
            r"seizures?",
            r"stroke",
            r"suicid\w*",
            r"kill (?:myself|himself|herself)",
            r"overdos\w*",
            r"severe bleeding",
            r"bleeding (?:heavily|a lot|won'?t stop)",
        ),
    ),
    Rule(
        "symptom",
        "Symptom described",
        "The patient describes how they feel: only a clinician may advise on symptoms.",
        _words(
            r"pain(?:ful)?",
            r"hurts?",
            r"ache?s?",
            r"fever",
            r"vomit\w*",
            r"throwing up",
            r"nause\w*",
            r"dizz\w*",
            r"rash",
            r"swollen|swelling",
            r"bleed\w*",
            r"cough\w*",
            r"diarrh\w*",
            r"infect\w*",
            r"lump",
            r"numb(?:ness)?",
        ),
    ),
    Rule(
        "medication",
        "Medication question",
        "Doses, side effects and whether to take a medicine are clinical questions "
        "(refill requests are routed to the prescriber, not answered).",
        _words(
            r"\d+\s?(?:mg|mcg|ml)",
            r"dos(?:e|age|es|ing)",
            r"side[- ]effects?",
            r"double (?:up|dose)",
            r"missed (?:a |my )?(?:dose|pill)",
            r"(?:stop|start) taking",
            r"allergic reaction",
            r"interact\w*",
        ),
    ),
    Rule(
        "clinical-question",
        "Asks for medical advice",
        "The patient asks what to do about their health: that is a clinician's answer.",
        _words(
            r"is (?:it|this|that) (?:normal|serious|dangerous|safe)",
            r"should i (?:be worried|worry|go to|take|stop|see)",
            r"what (?:do|does) (?:my|the) (?:\w+ ){0,2}(?:results?|test|scan|x-?ray|labs?) mean",
        ),
    ),
)


def screen(text: str) -> list[Flag]:
    """Every rule ``text`` triggers, with the words that triggered it (first match)."""
    flags = []
    for rule in RULES:
        found = rule.pattern.search(text)
        if found:
            flags.append(Flag(rule.code, rule.label, rule.why, found.group(0)))
    return flags


def describe(code: str) -> Rule | None:
    return next((rule for rule in RULES if rule.code == code), None)
