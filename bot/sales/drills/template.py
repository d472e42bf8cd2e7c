"""The plain-text form a manager fills in to add a drill (``/drilladd``), read into the same
mapping a card's ``drill:`` block holds. One ``key：value`` per line:

    标题：客户说今年预算用完了
    标签：预算 异议
    客户：今年的预算早就花完了，明年再说吧。
    检查：先认同客户的处境｜预算定了确实不好动，我理解｜理解/认同
    检查：问清下一轮预算的时间｜明年的预算一般几月份开始报｜几月/什么时候
    追问：那你们能不能先免费给我们用着？
    检查：…（追问之后的检查项属于这个追问）
    示范：“理解，预算定了确实难动……”

A check is ``标准｜参考说法｜关键词``: key-term groups separated by spaces, alternatives by ``/``.
"""

from __future__ import annotations

import re
from typing import Any

from bot.sales.drills.loader import DrillError

_LINE = re.compile(r"^\s*(标题|标签|客户|检查|追问|示范)\s*[:：]\s*(.*)$")
_SEPARATOR = re.compile(r"\s*[｜|]\s*")


def _check(value: str) -> dict[str, Any]:
    parts = _SEPARATOR.split(value.strip(), maxsplit=2)
    if not parts[0]:
        raise DrillError("检查项缺少标准")
    check: dict[str, Any] = {"check": parts[0], "ref": parts[1] if len(parts) > 1 and parts[1] else parts[0]}
    if len(parts) > 2 and parts[2].strip():
        check["terms"] = ["|".join(w for w in group.split("/") if w) for group in parts[2].split()]
    return check


def parse_template(text: str) -> tuple[str, list[str], dict[str, Any]]:
    """(title, tags, drill mapping); raises DrillError naming the first problem (in Chinese)."""
    title, tags, script = "", [], []
    data: dict[str, Any] = {"customer": [], "checks": [], "followups": []}
    current = data
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        found = _LINE.match(line)
        if found is None:
            if script:  # the model script may run over several lines
                script.append(line.strip())
                continue
            raise DrillError(f"第 {number} 行看不懂：每行以 标题/标签/客户/检查/追问/示范 加冒号开头")
        key, value = found.group(1), found.group(2).strip()
        if key == "标题":
            title = value
        elif key == "标签":
            tags = [t for t in re.split(r"[\s,，、]+", value) if t]
        elif key == "客户":
            data["customer"].append(value)
        elif key == "追问":
            current = {"customer": value, "checks": []}
            data["followups"].append(current)
        elif key == "检查":
            current["checks"].append(_check(value))
        elif key == "示范":
            script.append(value)
    if not title:
        raise DrillError("缺少“标题：”一行")
    if script:
        data["script"] = "\n".join(script)
    if not data["followups"]:
        del data["followups"]
    return title, tags, data
