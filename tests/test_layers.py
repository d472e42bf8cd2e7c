"""Imports run one way: transports → engine → features → domain (bot/sales) → store, knowledge, config."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# package → the packages it must not import
FORBIDDEN = {
    "store": ("bot",),
    "knowledge": ("bot",),
    "config": ("bot", "store", "knowledge"),
    "bot/sales": ("bot.engine", "bot.features", "bot.forms", "bot.transports", "bot.cli", "bot.routes"),
    "bot/forms": ("bot.features", "bot.transports", "bot.cli", "bot.routes"),
    "bot/features": ("bot.transports", "bot.cli", "bot.routes"),
    "bot/engine": ("bot.features", "bot.transports", "bot.cli", "bot.routes"),
    "bot/transports": ("store", "knowledge", "bot.features", "bot.sales", "bot.cli", "bot.routes"),
}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_from_the_layers_above(package):
    offences = [
        f"{path.relative_to(REPO)} imports {module}"
        for path in sorted((REPO / package).rglob("*.py"))
        for module in sorted(imported_modules(path))
        if any(module == banned or module.startswith(banned + ".") for banned in FORBIDDEN[package])
    ]
    assert not offences, "\n".join(offences)
