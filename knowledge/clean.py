"""Cleaning that real playbook documents need before chunking.

The cleaned text keeps the document's own script (traditional stays traditional) for display;
`knowledge.text.normalize_for_index` makes the searchable form.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.text import strip_pinyin

_RULES_FILE = Path(__file__).with_name("cleaning.yaml")
_WIDE_ALNUM = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B) if chr(code - 0xFEE0).isalnum()}
_WIDE_ALNUM[0x3000] = 0x20  # ideographic space
_PAGE_OF = re.compile(r"(?<![\d./])(\d{1,3})/(\d{1,3})(?![\d/])")
_SPACES = re.compile(r"[ \t\u00a0]+")
MIN_REPEAT_LEN = 12
HEADING_MAX_CHARS = 30
_LINE_END = tuple("。！？!?；;：:」』”）)…")
_CONTINUATION_START = tuple("，,。、；;：:）)」』”")
# A line starting like this opens a heading, an item or a slide: never glued to the line before.
_BLOCK_START = re.compile(
    r"^(?:[★※□■●◆►>#\-•·]|\d{1,2}[、.．]|[一二三四五六七八九十]{1,3}、|第.{1,3}[章节節篇]|(?:项目|項目)?里程碑)"
)


@dataclass(frozen=True)
class CleaningRules:
    trailer_starts: tuple[re.Pattern[str], ...]
    drop_lines: tuple[re.Pattern[str], ...]
    page_footer: re.Pattern[str]


@lru_cache(maxsize=1)
def load_rules(path: Path = _RULES_FILE) -> CleaningRules:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return CleaningRules(
        trailer_starts=tuple(re.compile(p) for p in raw["trailer_starts"]),
        drop_lines=tuple(re.compile(p) for p in raw["drop_lines"]),
        page_footer=re.compile(raw["page_footer"]),
    )


def half_width_alnum(text: str) -> str:
    """Full-width letters and digits to ASCII; Chinese punctuation stays as it is for display."""
    return text.translate(_WIDE_ALNUM)


def drop_page_of_markers(text: str) -> str:
    """Remove "2/9"-style page markers: n/m pairs whose total m recurs with rising n."""
    totals = Counter(int(m.group(2)) for m in _PAGE_OF.finditer(text) if int(m.group(1)) <= int(m.group(2)))
    page_totals = {total for total, seen in totals.items() if seen >= 3 and total >= 3}
    if not page_totals:
        return text

    def replace(match: re.Match[str]) -> str:
        page, total = int(match.group(1)), int(match.group(2))
        return "" if total in page_totals and 1 <= page <= total else match.group(0)

    return _PAGE_OF.sub(replace, text)


def _cut_trailer(lines: list[str], rules: CleaningRules) -> list[str]:
    for i, line in enumerate(lines):
        if any(p.search(line) for p in rules.trailer_starts):
            return lines[:i]
    return lines


def _drop_repeats(segments: list[str]) -> tuple[list[str], int]:
    """Drop segments already seen: running headers, slide titles shown twice, a document repeated whole.
    Returns the kept segments and how many longer (non-header) segments were dropped."""
    kept: list[str] = []
    dropped = 0
    seen_text = ""
    seen_short: set[str] = set()
    for segment in segments:
        key = re.sub(r"\s+", "", segment)
        if not key:
            continue
        if len(key) < MIN_REPEAT_LEN:
            if key in seen_short:
                continue
            seen_short.add(key)
        elif key in seen_text:
            dropped += 1
            continue
        kept.append(segment)
        seen_text += key + "\n"
    return kept, dropped


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Glue lines the document's layout broke inside a sentence (a line too long for a heading that
    ends mid-sentence, or a next line opening with a comma), so chunks start at a sentence."""
    joined: list[str] = []
    for line in lines:
        wrapped = bool(joined) and len(joined[-1]) > HEADING_MAX_CHARS and not joined[-1].endswith(_LINE_END)
        if joined and (line.startswith(_CONTINUATION_START) or (wrapped and not _BLOCK_START.match(line))):
            joined[-1] += line
        else:
            joined.append(line)
    return joined


def clean_text(text: str, rules: CleaningRules | None = None) -> str:
    return clean_document(text, rules)[0]


def clean_document(text: str, rules: CleaningRules | None = None) -> tuple[str, int]:
    """The cleaned text and the number of repeated passages dropped from it."""
    rules = rules or load_rules()
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = half_width_alnum(strip_pinyin(text))
    text = rules.page_footer.sub("\n", text)
    text = drop_page_of_markers(text)
    lines = _cut_trailer(text.split("\n"), rules)
    lines = [_SPACES.sub(" ", line).strip() for line in lines]
    lines = [line for line in lines if line and not any(p.search(line) for p in rules.drop_lines)]
    kept, repeats = _drop_repeats(lines)
    return "\n".join(join_wrapped_lines(kept)), repeats
