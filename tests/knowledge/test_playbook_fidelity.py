"""The starter cards against their sources: every card names its basis, the numbers in its 要点 and
the forms (《…》) it names occur in that seed, its script is speakable, and no card copies a seed."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from knowledge.service import PLAYBOOKS_DIR
from knowledge.text import normalize_for_index, normalize_width
from tests.conftest import REPO, SHARED

# ../shared beside the checkout; COACH_SHARED names it where a worktree sits elsewhere.
SEEDS = Path(os.environ.get("COACH_SHARED") or SHARED) / "seeds"
CARDS = sorted(p for p in PLAYBOOKS_DIR.glob("*.md") if p.name != "README.md")
SCRIPT_CHARS = (80, 250)
COPY_WINDOW = 18
# A number with the unit right after it (20万, 4台, 15%): the seed must state the same quantity.
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)([万元台次名年人家个分天月条种步星轮%]?)")
_FORM_NAME = re.compile(r"《([^》]+)》")
_NOT_TEXT = re.compile(r"[\s\W_]+")


def _front_matter(path: Path) -> tuple[dict, list[str], str]:
    text = path.read_text(encoding="utf-8")
    _, header, body = text.split("---", 2)
    keys = [line.split(":", 1)[0] for line in header.splitlines() if re.match(r"^[a-z_]+:", line)]
    return yaml.safe_load(header), keys, body


def _section(body: str, name: str) -> str:
    match = re.search(rf"^## {name}\n(.*?)(?=^## |\Z)", body, flags=re.S | re.M)
    assert match, f"no ## {name}"
    return match.group(1).strip()


@cache
def _seed_files() -> dict[str, Path]:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is absent: the seeds are not beside this checkout")
    return {p.name: p for p in SEEDS.glob("*.txt")}


@cache
def _seed_text(name: str) -> str:
    return normalize_for_index(_seed_files()[name].read_text(encoding="utf-8"))


def _basis(meta: dict) -> list[dict]:
    basis = meta["basis"]
    return [] if basis == "general" else basis


@pytest.mark.parametrize("path", CARDS, ids=lambda p: p.stem)
def test_every_card_names_its_basis_as_the_last_key(path):
    meta, keys, _body = _front_matter(path)
    assert keys[-1] == "basis", f"basis must be the last front-matter key, found {keys}"
    basis = meta["basis"]
    assert basis == "general" or (isinstance(basis, list) and basis), basis
    for entry in _basis(meta):
        assert set(entry) == {"seed", "section"}, entry
        assert entry["seed"] in _seed_files(), f"unknown seed {entry['seed']}"
        assert str(entry["section"]).strip()


@pytest.mark.parametrize("path", CARDS, ids=lambda p: p.stem)
def test_numbers_and_named_forms_occur_in_the_basis(path):
    meta, _keys, body = _front_matter(path)
    basis = _basis(meta)
    if not basis:
        return
    source = re.sub(r"\s+", "", "\n".join(_seed_text(entry["seed"]) for entry in basis))
    points = re.sub(r"\s+", "", normalize_width(_section(body, "要点")))
    for number, unit in _NUMBER.findall(points):
        pattern = rf"(?<![\d.]){re.escape(number)}(?![\d]|\.\d){re.escape(unit)}"
        assert re.search(pattern, source), f"{number}{unit} in 要点 is not in {[b['seed'] for b in basis]}"
    for form in _FORM_NAME.findall(normalize_width(body)):
        assert normalize_for_index(form) in source, f"《{form}》 is not in the basis"


@pytest.mark.parametrize("path", CARDS, ids=lambda p: p.stem)
def test_scripts_are_speech_of_a_speakable_length(path):
    _meta, _keys, body = _front_matter(path)
    script = _section(body, "话术")
    length = len(re.sub(r"\s+", "", script))
    assert SCRIPT_CHARS[0] <= length <= SCRIPT_CHARS[1], f"script is {length} characters"
    assert "XX" not in script, "use a [产品]/[公司]-style placeholder"


@cache
def _seed_windows() -> frozenset[str]:
    windows: set[str] = set()
    for path in _seed_files().values():
        raw = path.read_text(encoding="utf-8")
        for form in (raw, normalize_for_index(raw)):
            text = _NOT_TEXT.sub("", form)
            windows.update(text[i : i + COPY_WINDOW] for i in range(len(text) - COPY_WINDOW + 1))
    return frozenset(windows)


COPY_CHECKED = [
    *CARDS,
    *sorted((REPO / "knowledge" / "rules").glob("*.yaml")),
    *sorted((REPO / "prompts").glob("texts*.zh.yaml")),
]


@pytest.mark.parametrize("path", COPY_CHECKED, ids=lambda p: p.name)
def test_no_sentence_is_copied_from_a_seed(path):
    windows = _seed_windows()
    for form in (path.read_text(encoding="utf-8"),):
        text = _NOT_TEXT.sub("", normalize_for_index(form))
        copied = [text[i : i + COPY_WINDOW] for i in range(len(text) - COPY_WINDOW + 1)]
        copied = [w for w in copied if w in windows]
        assert not copied, f"copied from a seed: {copied[:3]}"
