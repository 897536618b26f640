"""The plain-text formats trainers write a course version in, and their parsers.

Lessons are ``## Title`` sections of Markdown; a quiz is blocks of ``? question``,
``- wrong`` / ``* right`` choices and an optional ``> explanation``. Errors name the line,
keyed by the form field (``lessons_text``, ``questions_text``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from steward.workforce.models import CourseVersion

MAX_LESSON_BODY = 20000
MAX_TITLE = 160
MAX_PROMPT = 500

LESSONS_HELP = (
    "Start each lesson with a line <code>## Lesson title</code>; the lines after it, up to the "
    "next <code>## </code> line, are the lesson in Markdown (use <code>###</code> for headings "
    "inside a lesson)."
)
QUESTIONS_HELP = (
    "One block per question: <code>? The question</code>, then one line per choice, "
    "<code>- a wrong answer</code> or <code>* the right answer</code> (exactly one), and "
    "optionally <code>&gt; why</code>, shown to workers who answer wrongly."
)


@dataclass
class ParsedLesson:
    title: str
    body: str


@dataclass
class ParsedQuestion:
    prompt: str
    choices: list[str]
    correct: int | None
    explanation: str
    line: int


def parse_lessons(text: str) -> list[ParsedLesson]:
    """Lessons from ``## Title`` sections; errors name the line."""
    lessons: list[tuple[ParsedLesson, int, list[str]]] = []
    errors: list[str] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.startswith("## "):
            title = line[3:].strip()
            if not title:
                errors.append(f"Line {number}: a lesson needs a title after “## ”.")
            elif len(title) > MAX_TITLE:
                errors.append(f"Line {number}: keep the title under {MAX_TITLE} characters.")
            lessons.append((ParsedLesson(title, ""), number, []))
        elif lessons:
            lessons[-1][2].append(line)
        elif line.strip():
            errors.append(f"Line {number}: start each lesson with a line “## Title”.")
            break
    result = []
    for lesson, number, lines in lessons:
        lesson.body = "\n".join(lines).strip()
        if not lesson.body:
            errors.append(f"Line {number}: the lesson “{lesson.title}” has no text.")
        elif len(lesson.body) > MAX_LESSON_BODY:
            errors.append(f"Line {number}: the lesson is longer than {MAX_LESSON_BODY} characters.")
        result.append(lesson)
    if errors:
        raise ValidationError({"lessons_text": errors})
    return result


def _question_line(questions: list[ParsedQuestion], number: int, line: str) -> str | None:
    """Read one non-blank line into ``questions``; the error for that line, if any."""
    marker, rest = line[0], line[1:].strip()
    question = questions[-1] if questions else None
    error = None
    if marker not in "?-*>":
        error = "start the line with ?, -, * or >."
    elif marker == "?":
        questions.append(ParsedQuestion(rest, [], None, "", number))
        error = None if rest else "write the question after “?”."
    elif question is None:
        error = "start a question with “? ” before its choices."
    elif not rest:
        error = f"this line is empty after “{marker}”."
    elif marker == ">":
        question.explanation = f"{question.explanation} {rest}".strip()
    elif marker == "*" and question.correct is not None:
        error = "a question has exactly one right answer (*)."
    else:
        if marker == "*":
            question.correct = len(question.choices)
        question.choices.append(rest)
    return f"Line {number}: {error}" if error else None


def parse_questions(text: str) -> list[ParsedQuestion]:
    """Questions from ``?``/``-``/``*``/``>`` lines; errors name the line."""
    questions: list[ParsedQuestion] = []
    errors: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if line and (error := _question_line(questions, number, line)):
            errors.append(error)
    for question in questions:
        texts = [question.prompt, question.explanation, *question.choices]
        if any(len(t) > MAX_PROMPT for t in texts):
            errors.append(
                f"Line {question.line}: keep questions, choices and explanations under "
                f"{MAX_PROMPT} characters."
            )
        if len(question.choices) < 2:
            errors.append(f"Line {question.line}: give the question at least two choices.")
        if question.correct is None:
            errors.append(f"Line {question.line}: mark the right answer with “* ”.")
    if errors:
        raise ValidationError({"questions_text": errors})
    return questions


def lessons_text(version: CourseVersion) -> str:
    """The version's lessons in the format ``parse_lessons`` reads."""
    return "\n\n".join(f"## {lesson.title}\n\n{lesson.body}" for lesson in version.lessons.all())


def questions_text(version: CourseVersion) -> str:
    """The version's quiz in the format ``parse_questions`` reads."""
    blocks = []
    for question in version.questions.all():
        lines = [f"? {question.prompt}"]
        lines += [
            f"{'*' if index == question.correct else '-'} {choice}"
            for index, choice in enumerate(question.choices)
        ]
        if question.explanation:
            lines.append(f"> {question.explanation}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
