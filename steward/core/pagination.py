"""Pagination that never fails on a bad ``page`` parameter."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 25


def paginate(request: HttpRequest, items: Any, *, per_page: int = PER_PAGE) -> Page[Any]:
    """The requested page of ``items``; a missing, malformed or out-of-range page gives
    the nearest real one."""
    paginator = Paginator(items, per_page)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for links to other pages."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
