"""Office files built in memory for upload tests and benchmarks: .docx (python-docx) and .xlsx
(openpyxl), from text the test writes itself."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO


def docx_bytes(
    paragraphs: Sequence[str], *, headings: Sequence[str] = (), page_breaks: bool = False
) -> bytes:
    """A .docx with one heading per entry of ``headings`` (each followed by the paragraphs), or
    the paragraphs alone; ``page_breaks`` puts each heading's section on a page of its own."""
    import docx

    document = docx.Document()
    for i, heading in enumerate(headings or [""]):
        if heading:
            document.add_heading(heading, level=2)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        if page_breaks and i < len(headings) - 1:
            document.add_page_break()
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(rows: Sequence[Sequence[object]], *, sheet: str = "问答") -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
