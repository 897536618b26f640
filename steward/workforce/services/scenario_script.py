"""The scenario script: its format, its parser (line-numbered errors) and the best total.

Kept apart from the services so the format can be read and tested on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

PLACEHOLDERS = ("patient", "language", "age", "ethnicity", "disability", "context")
END_KEYS = frozenset({"end", "ends"})
SCORE_LIMIT = 100
MAX_STEPS = 60
MAX_CHOICES = 10


SCRIPT_HELP = (
    "One block per step. A step starts with its key in square brackets, then what the patient "
    "says or does; the text may continue on the next lines. The first step is where every "
    "attempt starts.<br>"
    "Each choice is a line starting with <code>-</code>: the choice, its score in brackets, "
    "<code>-&gt; key</code> for the step it leads to (leave it out, or write "
    "<code>-&gt; end</code>, to end the scenario), then <code>|</code> and the feedback the "
    "worker sees.<br>"
    "<code>[greet] {patient} calls to move an appointment. They speak {language}.</code><br>"
    "<code>- Ask for name and date of birth (+2) -&gt; offer | Good: verify first.</code><br>"
    "<code>- Read out the appointment straight away (-2) -&gt; offer | Verify first.</code><br>"
    "<code>[offer] …</code><br>"
    "Placeholders: <code>{patient}</code>, <code>{language}</code>, <code>{age}</code>, "
    "<code>{ethnicity}</code>, <code>{disability}</code>, <code>{context}</code>. Lines "
    "starting with <code>#</code> are notes and are dropped. Every step needs a choice, every "
    "step must be reachable from the first, and no path may loop back."
)

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_STEP = re.compile(r"^\[(?P<key>[^\]]*)\]\s*(?P<prompt>.*)$")
_CHOICE = re.compile(
    r"^-\s*(?P<text>.*?)\s*\((?P<score>[+-]?\s*\d+)\)\s*"
    r"(?:->\s*(?P<next>\S*)\s*)?(?:\|\s*(?P<feedback>.*))?$"
)
PLACEHOLDER_PATTERN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass
class ParsedChoice:
    line: int
    text: str
    score: int
    next_key: str | None
    feedback: str


@dataclass
class ParsedStep:
    line: int
    key: str
    prompt_lines: list[str] = field(default_factory=list)
    choices: list[ParsedChoice] = field(default_factory=list)

    @property
    def prompt(self) -> str:
        return "\n".join(self.prompt_lines).strip()


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _placeholder_errors(number: int, text: str) -> list[str]:
    unknown = sorted({m for m in PLACEHOLDER_PATTERN.findall(text) if m not in PLACEHOLDERS})
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    return [f"Line {number}: unknown placeholder {{{name}}}; use {known}." for name in unknown]


def _parse_choice(number: int, line: str) -> tuple[ParsedChoice | None, list[str]]:
    match = _CHOICE.match(line)
    if match is None:
        return None, [
            f"Line {number}: a choice reads “- what the worker does (+2) -> next-step | "
            "feedback”; give it a score in brackets, like (+2), (0) or (-1)."
        ]
    text, feedback = match["text"].strip(), (match["feedback"] or "").strip()
    score = int(match["score"].replace(" ", ""))
    errors = []
    if not text:
        errors.append(f"Line {number}: say what the worker does in this choice.")
    if len(text) > 500:
        errors.append(f"Line {number}: a choice is at most 500 characters.")
    if len(feedback) > 1000:
        errors.append(f"Line {number}: feedback is at most 1000 characters.")
    if abs(score) > SCORE_LIMIT:
        errors.append(f"Line {number}: scores run from -{SCORE_LIMIT} to +{SCORE_LIMIT}.")
    if match["next"] is not None and not match["next"]:
        errors.append(f"Line {number}: name the step after “->”, or “end”.")
    nxt = match["next"] or None
    next_key = None if nxt is None or nxt.lower() in END_KEYS else nxt
    return ParsedChoice(number, text, score, next_key, feedback), errors


def _structure_errors(steps: list[ParsedStep]) -> list[str]:
    """Unknown targets, loops and unreachable steps (the script must be a tree-like DAG)."""
    by_key = {step.key: step for step in steps}
    errors = [
        f"Line {choice.line}: there is no step [{choice.next_key}] in this script."
        for step in steps
        for choice in step.choices
        if choice.next_key is not None and choice.next_key not in by_key
    ]
    if errors:
        return errors
    state: dict[str, str] = {}  # "open" while on the current path, "done" after

    def visit(step: ParsedStep) -> None:
        state[step.key] = "open"
        for choice in step.choices:
            if choice.next_key is None:
                continue
            if state.get(choice.next_key) == "open":
                errors.append(
                    f"Line {choice.line}: this choice leads back to [{choice.next_key}], "
                    "making a loop; every path must move towards an end."
                )
            elif choice.next_key not in state:
                visit(by_key[choice.next_key])
        state[step.key] = "done"

    visit(steps[0])
    errors.extend(
        f"Line {step.line}: step [{step.key}] cannot be reached from the first step "
        f"[{steps[0].key}]; link a choice to it or remove it."
        for step in steps
        if step.key not in state
    )
    return errors


def best_total(graph: dict[str, list[tuple[int, str | None]]], start: str) -> int:
    """The highest total score along any path from ``start`` (the graph has no loops)."""
    best: dict[str, int] = {}

    def total(key: str) -> int:
        if key not in best:
            best[key] = max(
                (score + (total(nxt) if nxt else 0) for score, nxt in graph[key]), default=0
            )
        return best[key]

    return total(start)


def _step_line(number: int, match: re.Match[str], seen: dict[str, int]) -> list[str]:
    key = match["key"].strip()
    errors = _placeholder_errors(number, match["prompt"])
    if not _KEY.match(key) or key.lower() in END_KEYS:
        errors.append(
            f"Line {number}: a step key is up to 40 letters, digits, “-” or “_” "
            "(not “end”), like [greet]."
        )
    elif key in seen:
        errors.append(f"Line {number}: step [{key}] is already defined on line {seen[key]}.")
    seen.setdefault(key, number)
    return errors


def _read(script: str) -> tuple[list[ParsedStep], list[str]]:
    """Steps and choices line by line, with the errors of single lines."""
    steps: list[ParsedStep] = []
    seen: dict[str, int] = {}
    errors: list[str] = []
    for number, raw in enumerate((script or "").splitlines(), start=1):
        line = raw.strip()
        current = steps[-1] if steps else None
        if line.startswith("#"):
            continue
        if match := _STEP.match(line):
            errors.extend(_step_line(number, match, seen))
            steps.append(ParsedStep(number, match["key"].strip(), [match["prompt"].strip()]))
        elif line.startswith("-"):
            choice, choice_errors = _parse_choice(number, line)
            errors.extend(choice_errors)
            if current is None:
                errors.append(f"Line {number}: a choice needs a step above it, like [greet].")
            elif choice is not None:
                current.choices.append(choice)
        elif current is None:
            if line:
                errors.append(f"Line {number}: start the script with a step, like “[greet] …”.")
        elif not current.choices:
            # Until its first choice, a step's text runs on (blank lines kept as paragraphs).
            current.prompt_lines.append(line)
            errors.extend(_placeholder_errors(number, line))
        elif line:
            errors.append(
                f"Line {number}: after a step's choices, start a new step with [key] or add a "
                "choice with “-”."
            )
    return steps, errors


def _step_errors(steps: list[ParsedStep]) -> list[str]:
    errors = []
    if len(steps) > MAX_STEPS:
        errors.append(f"A scenario has at most {MAX_STEPS} steps.")
    for step in steps:
        where = f"Line {step.line}: step [{step.key}]"
        if not step.prompt:
            errors.append(f"{where} needs text after its key.")
        elif len(step.prompt) > 4000:
            errors.append(f"{where} is over 4000 characters.")
        if not step.choices:
            errors.append(f"{where} has no choices; add lines starting with “-”.")
        elif len(step.choices) > MAX_CHOICES:
            errors.append(f"{where} has more than {MAX_CHOICES} choices.")
    return errors


def parse_script(script: str) -> list[ParsedStep]:
    """The steps a script describes; ``ValidationError({"script": [...]})`` lists every
    problem with its line number. The first step is the start."""
    steps, errors = _read(script)
    if not steps and not errors:
        errors.append("Write at least one step, like “[greet] {patient} calls …”.")
    errors.extend(_step_errors(steps))
    if not errors:
        errors = _structure_errors(steps)
    if not errors:
        graph = {s.key: [(c.score, c.next_key) for c in s.choices] for s in steps}
        if best_total(graph, steps[0].key) <= 0:
            errors.append("The best path scores nothing: give good choices positive scores.")
    if errors:
        raise ValidationError({"script": errors})
    return steps
