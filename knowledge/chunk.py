"""Structure-aware chunking: headings, numbered Q&A items and milestone sections become chunk titles;
bodies are packed sentence by sentence into chunks of about TARGET_CHARS characters."""

from __future__ import annotations

import re
from dataclasses import dataclass

TARGET_CHARS = 300
HEADING_CHARS = 30
MAX_CHARS = 450

_NUM = "一二三四五六七八九十"
# "五、客户问多少钱怎么回答?答:..." — an item number that opens a question followed by an answer.
# "第二、三轮" is not an item: the number must not follow 第 or another numeral.
_QA_ITEM = re.compile(rf"(?<![第{_NUM}\d])([{_NUM}]{{1,3}})、(?=[^?？\n]{{2,120}}[?？]\s*答)")
_QA_LINE = re.compile(rf"^[{_NUM}]{{1,3}}、(?P<q>[^?？\n]{{2,120}}[?？])\s*答")
_QA_MARK = re.compile(r"(?<!^)(?=(?:问|問|Q)\s*[:：])")
_MILESTONE = re.compile(rf"(?<!^)(?=(?:项目|項目)?里程碑[{_NUM}]\s*[:：;；])")
_CHAPTER = re.compile(rf"^第[{_NUM}\d]{{1,3}}[章节節篇]")
# A part that numbered subsections ("四、工作制度", "★…") belong to: a milestone or a chapter. The
# milestone may be typed with a semicolon ("項目里程碑三;項目立項").
_PART = re.compile(rf"^(?:(?:项目|項目)?里程碑[{_NUM}]\s*[:：;；]|第[{_NUM}\d]{{1,3}}[章節篇])")
_SUBSECTION = re.compile(rf"^(?:[{_NUM}]{{1,3}}、|\d{{1,2}}[、.．]|[★※])")
# the part's own name ends where a glued subsection begins: "里程碑五:技術突破一、里程碑的定義",
# "里程碑七:現場投標、里程碑的定義與"
_GLUED_ITEM = re.compile(rf"(?<=[^{_NUM}第])[{_NUM}]{{0,3}}、")
PART_SEPARATOR = " · "
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+)$")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?=[□※■●◆]|\(\d{1,2}\)|（\d{1,2}）)")
_CLAUSE_END = re.compile(r"(?<=[，,、：:])")
_NOT_HEADING_END = tuple("。，,；;：:！？!?、")
_CLAUSE_INSIDE = re.compile(r"[，,；;。]")  # headings are phrases, not clauses


@dataclass(frozen=True)
class Chunk:
    text: str
    title: str
    position: int


def _split_structure(line: str) -> list[str]:
    line = _QA_ITEM.sub(r"\n\1、", line)
    line = _QA_MARK.sub("\n", line)
    line = _MILESTONE.sub("\n", line)
    return [part.strip() for part in line.split("\n") if part.strip()]


def _heading(line: str) -> str | None:
    if match := _MARKDOWN_HEADING.match(line):
        return match.group("title").strip()
    if _CHAPTER.match(line) or (
        len(line) <= HEADING_CHARS and not line.endswith(_NOT_HEADING_END) and not _CLAUSE_INSIDE.search(line)
    ):
        return line.strip("# ")
    return None


def sentences(text: str) -> list[str]:
    parts: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if not sentence.strip():
            continue
        while len(sentence) > MAX_CHARS:
            cut = _last_clause_end(sentence, MAX_CHARS)
            parts.append(sentence[:cut])
            sentence = sentence[cut:]
        parts.append(sentence)
    return [s.strip() for s in parts if s.strip()]


def _last_clause_end(sentence: str, limit: int) -> int:
    ends = [m.start() for m in _CLAUSE_END.finditer(sentence[:limit]) if m.start() > limit // 2]
    return ends[-1] if ends else limit


def _pack(body: list[str]) -> list[str]:
    """Pack sentences into chunks near TARGET_CHARS; a chunk split mid-paragraph repeats its last sentence."""
    chunks: list[str] = []
    current: list[str] = []
    for sentence in body:
        size = sum(map(len, current))
        if current and size + len(sentence) > TARGET_CHARS:
            chunks.append("".join(current))
            overlap = current[-1] if len(current[-1]) < TARGET_CHARS // 3 else None
            current = [overlap] if overlap else []
        current.append(sentence)
    if current and (not chunks or "".join(current) not in chunks[-1]):
        chunks.append("".join(current))
    return chunks


def _part_name(line: str) -> str:
    glued = _GLUED_ITEM.search(line)
    name = line[: glued.start()] if glued else line
    return re.sub(r"(?<=里程碑[一二三四五六七八九十])\s*[;；]", ":", name).strip()


def chunk_text(text: str, default_title: str = "") -> list[Chunk]:
    """Chunks of whole sentences, each titled by its section; a numbered subsection of a milestone
    or chapter is titled with that part too ("里程碑五:技術突破 · 四、工作制度"), so that a source
    names where in the document it stands."""
    sections: list[tuple[str, list[str]]] = [(default_title, [])]
    part = ""
    for raw_line in text.split("\n"):
        for line in _split_structure(raw_line):
            if qa := _QA_LINE.match(line):
                sections.append((qa.group("q"), [line]))
            elif _PART.match(line) and len(line) <= 2 * HEADING_CHARS:
                part = _part_name(line)
                sections.append((line, []))
            elif (title := _heading(line)) is not None:
                if _MARKDOWN_HEADING.match(line):
                    part = ""
                elif part and _SUBSECTION.match(title) and not title.startswith(part):
                    title = f"{part}{PART_SEPARATOR}{title}"
                sections.append((title, []))
            else:
                sections[-1][1].append(line)
    chunks: list[Chunk] = []
    for title, lines in sections:
        body = [s for line in lines for s in sentences(line)]
        for piece in _pack(body):
            chunks.append(Chunk(text=piece, title=title, position=len(chunks)))
    return chunks
