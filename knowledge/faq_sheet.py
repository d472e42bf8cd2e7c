"""FAQ sheets: a spreadsheet (.xlsx) or .csv whose header row names the columns 问题 and 答案
(optionally 标签 and 适用场景; traditional 問題/答案/標籤/適用場景 too). Each row becomes one
playbook entry (a card); rows that cannot be one are reported by sheet and row number."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.text import normalize_for_index

QUESTION, ANSWER, TAGS, WHEN = "问题", "答案", "标签", "适用场景"
_COLUMNS = (QUESTION, ANSWER, TAGS, WHEN)
HEADER_SEARCH_ROWS = 5  # a title line or two above the header is common in exported sheets
_CSV_DELIMITERS = (",", "\t", ";")
_TAG_SPLIT = re.compile(r"[,，、;；/\s]+")

# RowProblem.problem values
BAD_HEADER = "bad_header"
MISSING_QUESTION = "missing_question"
MISSING_ANSWER = "missing_answer"
EMPTY_ROW = "empty_row"


@dataclass(frozen=True)
class RowProblem:
    sheet: str
    row: int  # as the spreadsheet numbers it (1 = the first row); 0 for the whole sheet
    problem: str


class FaqSheetError(ValueError):
    """No sheet of the file has a header with 问题 and 答案."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        names = ", ".join(p.sheet for p in problems)
        super().__init__(f"no header with {QUESTION} and {ANSWER} in: {names}")


@dataclass(frozen=True)
class FaqRow:
    sheet: str
    row: int
    question: str
    answer: str
    tags: tuple[str, ...]
    when: str


def _cell(value: object) -> str:
    return "" if value is None else str(value).strip()


def _header(cells: Sequence[str]) -> dict[str, int] | None:
    """Column positions by canonical name, when the row names both 问题 and 答案."""
    names = [normalize_for_index(c).replace(" ", "") for c in cells]
    found = {col: names.index(col) for col in _COLUMNS if col in names}
    return found if QUESTION in found and ANSWER in found else None


def read_sheet(sheet: str, rows: Iterable[Sequence[object]]) -> tuple[list[FaqRow], list[RowProblem]]:
    """The entries and problems of one sheet given its rows (each a sequence of cell values)."""
    table = [[_cell(v) for v in row] for row in rows]
    found = next(
        ((i, columns) for i, cells in enumerate(table[:HEADER_SEARCH_ROWS]) if (columns := _header(cells))),
        None,
    )
    if found is None:
        return [], [RowProblem(sheet, 0, BAD_HEADER)]
    start, columns = found

    def get(cells: list[str], name: str) -> str:
        at = columns.get(name)
        return cells[at] if at is not None and at < len(cells) else ""

    body = table[start + 1 :]
    last = max((i for i, cells in enumerate(body) if any(cells)), default=-1)
    entries: list[FaqRow] = []
    problems: list[RowProblem] = []
    for offset, cells in enumerate(body[: last + 1]):
        number = start + 2 + offset
        question, answer = get(cells, QUESTION), get(cells, ANSWER)
        if not question and not answer:
            problems.append(RowProblem(sheet, number, EMPTY_ROW))
        elif not question:
            problems.append(RowProblem(sheet, number, MISSING_QUESTION))
        elif not answer:
            problems.append(RowProblem(sheet, number, MISSING_ANSWER))
        else:
            tags = tuple(t for t in _TAG_SPLIT.split(get(cells, TAGS)) if t)
            entries.append(FaqRow(sheet, number, question, answer, tags, get(cells, WHEN)))
    return entries, problems


def _checked(sheets: list[tuple[list[FaqRow], list[RowProblem]]]) -> tuple[list[FaqRow], list[RowProblem]]:
    entries = [e for rows, _ in sheets for e in rows]
    problems = [p for _, found in sheets for p in found]
    if sheets and all(any(p.problem == BAD_HEADER for p in found) for _, found in sheets):
        raise FaqSheetError(problems)
    return entries, problems


def read_xlsx(data: bytes) -> tuple[list[FaqRow], list[RowProblem]]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return _checked([read_sheet(ws.title, ws.iter_rows(values_only=True)) for ws in workbook.worksheets])
    finally:
        workbook.close()


def read_csv(path: Path, text: str) -> tuple[list[FaqRow], list[RowProblem]]:
    """Comma-, tab- or semicolon-separated: the delimiter is the one that splits out the header."""
    head = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    delimiter = next(
        (
            d
            for d in _CSV_DELIMITERS
            if any(_header(cells) for cells in csv.reader(io.StringIO(head), delimiter=d))
        ),
        ",",
    )
    return _checked([read_sheet(path.stem, csv.reader(io.StringIO(text), delimiter=delimiter))])
