"""Word lists kept as data files: one entry per line, ``#`` starts a comment, ``[name]`` starts a section.

The one reader for every such file (store/lexicon/, bot/sales/parsing/lexicon/): entries keep their order
(the first match wins where order matters), blank lines and duplicates are dropped.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DEFAULT_SECTION = ""


@cache
def load_sections(path: Path) -> dict[str, tuple[str, ...]]:
    """{section: entries} of a word-list file; entries before any ``[section]`` are under ``""``."""
    sections: dict[str, list[str]] = {}
    current = DEFAULT_SECTION
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            sections.setdefault(current, [])
            continue
        entries = sections.setdefault(current, [])
        if line not in entries:
            entries.append(line)
    return {name: tuple(entries) for name, entries in sections.items()}


def load_words(path: Path) -> tuple[str, ...]:
    """Every entry of a word-list file, sections ignored, in file order."""
    seen: dict[str, None] = {}
    for entries in load_sections(path).values():
        seen.update(dict.fromkeys(entries))
    return tuple(seen)
