"""Markdown authored in Steward (lessons, policies) rendered safely.

The ``js-default`` preset of markdown-it-py leaves raw HTML as text and refuses
``javascript:``/``data:`` links, so an author cannot put script into a page.
"""

from __future__ import annotations

from functools import cache

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt


@cache
def _renderer() -> MarkdownIt:
    return MarkdownIt("js-default").enable("table")


def render(text: str) -> SafeString:
    return mark_safe(_renderer().render(text))  # noqa: S308 - raw HTML is escaped by the preset
