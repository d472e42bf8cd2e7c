"""Drills from a card's front matter (``drill:``) or from a plain mapping (a manager's drill stored
in the database). Reads the YAML itself: knowledge.loaders keeps to what retrieval needs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from bot.sales.drills.model import MAX_CHECKS, MAX_TURNS, MIN_CHECKS, Check, Drill, Turn

PLAYBOOK_PREFIX = "pb:"
DB_PREFIX = "db:"
_SCRIPT = re.compile(r"^##\s*话术\s*$(.*?)(?=^##\s|\Z)", re.S | re.M)
MAX_LINE = 300


class DrillError(ValueError):
    """A drill definition that cannot be used; the message is Chinese and names the problem."""


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(front matter mapping, body) of a Markdown card; ({}, text) when it has none."""
    if not text.startswith("---"):
        return {}, text
    parts = text.split("---", 2)
    if len(parts) < 3:
        return {}, text
    meta = yaml.safe_load(parts[1]) or {}
    return (meta if isinstance(meta, dict) else {}), parts[2]


def model_script(body: str) -> str:
    """The card's 话术 section, or the whole body when it has no such heading."""
    found = _SCRIPT.search(body)
    return (found.group(1) if found else body).strip()


def _line(value: Any, what: str) -> str:
    line = str(value or "").strip()
    if not line:
        raise DrillError(f"缺少{what}")
    if len(line) > MAX_LINE:
        raise DrillError(f"{what}太长（最多 {MAX_LINE} 字）")
    return line


def _terms(raw: Any) -> tuple[tuple[str, ...], ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = re.split(r"[,，、\s]+", raw)
    if not isinstance(raw, list):
        raise DrillError("关键词要写成列表，例如 [需求|问题, 报价]")
    groups = []
    for item in raw:
        words = tuple(w.strip() for w in str(item).split("|") if w.strip())
        if words:
            groups.append(words)
    return tuple(groups)


def parse_checks(raw: Any, where: str) -> tuple[Check, ...]:
    if not isinstance(raw, list):
        raise DrillError(f"{where}缺少检查项（checks）")
    checks = []
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise DrillError(f"{where}第 {i} 个检查项格式不对")
        criterion = _line(item.get("check"), f"{where}第 {i} 个检查项的标准")
        reference = _line(item.get("ref") or criterion, f"{where}第 {i} 个检查项的参考说法")
        checks.append(Check(criterion, reference, _terms(item.get("terms"))))
    if not MIN_CHECKS <= len(checks) <= MAX_CHECKS:
        raise DrillError(f"{where}要有 {MIN_CHECKS}–{MAX_CHECKS} 个检查项，现在是 {len(checks)} 个")
    return tuple(checks)


def drill_from_mapping(
    raw: Any,
    *,
    key: str,
    title: str,
    tags: Iterable[str] = (),
    script: str = "",
    team_id: int | None = None,
    questions: Iterable[str] = (),
) -> Drill:
    """A Drill from a ``drill:`` mapping; raises DrillError (Chinese) when it is unusable."""
    if not isinstance(raw, dict):
        raise DrillError("练习内容格式不对")
    customer = raw.get("customer")
    openings = customer if isinstance(customer, list) else [customer]
    lines = tuple(_line(c, "客户的话") for c in openings if str(c or "").strip())
    if not lines:
        raise DrillError("缺少客户的话（customer）")
    followups_raw = raw.get("followups") or []
    if not isinstance(followups_raw, list):
        raise DrillError("追问（followups）要写成列表")
    followups = tuple(
        Turn(_line(f.get("customer"), f"第 {i} 个追问"), parse_checks(f.get("checks"), f"第 {i} 个追问"))
        for i, f in enumerate(followups_raw, 1)
        if isinstance(f, dict)
    )
    if len(followups) > MAX_TURNS - 1:
        raise DrillError(f"追问最多 {MAX_TURNS - 1} 个")
    return Drill(
        key=key,
        title=_line(title, "标题"),
        tags=tuple(str(t) for t in tags),
        openings=lines,
        checks=parse_checks(raw.get("checks"), ""),
        followups=followups,
        script=str(raw.get("script") or script).strip(),
        team_id=team_id,
        questions=tuple(str(q) for q in questions),
    )


def drill_from_card(path: Path) -> Drill | None:
    """The drill of one playbook card file, or None when the card has no ``drill:`` block."""
    meta, body = front_matter(path.read_text(encoding="utf-8"))
    if not meta.get("drill") or not meta.get("title"):
        return None
    try:
        return drill_from_mapping(
            meta["drill"],
            key=PLAYBOOK_PREFIX + path.stem,
            title=str(meta["title"]),
            tags=meta.get("tags") or (),
            script=model_script(body),
            questions=meta.get("questions") or (),
        )
    except DrillError as exc:
        raise DrillError(f"{path.name}: {exc}") from exc


def drills_in(folder: Path) -> list[Drill]:
    """Every card drill under a folder of Markdown cards, in file-name order."""
    found = []
    for path in sorted(folder.rglob("*.md")):
        if path.stem.lower() != "readme":
            drill = drill_from_card(path)
            if drill is not None:
                found.append(drill)
    return found
