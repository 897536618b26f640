"""Turning a rendered page into a PDF a patient or an auditor can keep."""

from __future__ import annotations


class PdfUnavailable(RuntimeError):
    """The system library WeasyPrint draws with (pango) is not installed."""


def html_to_pdf(html: str) -> bytes:
    """Render ``html`` (self-contained: no external resources are fetched) as PDF."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # the pango library is missing
        raise PdfUnavailable(
            "PDF export needs the pango library: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        ) from exc
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
