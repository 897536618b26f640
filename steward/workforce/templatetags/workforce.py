from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from steward.core.markdown import render

register = template.Library()


@register.filter(name="markdown")
def markdown(text: str) -> SafeString:
    return render(text or "")
