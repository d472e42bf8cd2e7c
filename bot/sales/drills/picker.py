"""Which situation to practise: by topic (tags, then title, then meaning), or with no topic the
rep's untried situations first, then their weakest."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import numpy as np

from bot.sales.drills.model import Drill
from bot.sales.drills.scoring import Encoder
from knowledge.text import normalize_for_index

# e5 cosine from which a topic counts as meaning the same situation; unrelated short Chinese
# phrases sit around 0.75-0.80 with multilingual-e5-small.
TOPIC_MIN_COSINE = 0.83


def by_topic(drills: Sequence[Drill], topic: str, encode: Encoder | None) -> list[Drill]:
    """Drills matching a typed topic, best first: a tag, then the title, then the meaning."""
    wanted = normalize_for_index(topic).strip()
    if not wanted or not drills:
        return []
    tagged = [d for d in drills if any(wanted == normalize_for_index(t) for t in d.tags)]
    if tagged:
        return tagged
    titled = [
        d
        for d in drills
        if wanted in normalize_for_index(d.title) or any(wanted in normalize_for_index(t) for t in d.tags)
    ]
    if titled or encode is None:
        return titled
    vectors = encode([wanted, *(normalize_for_index(d.topic_text) for d in drills)])
    scores = vectors[1:] @ vectors[0]
    order = np.argsort(-scores)
    return [drills[i] for i in order if scores[i] >= TOPIC_MIN_COSINE][:5]


def next_drill(
    drills: Sequence[Drill],
    shares: Mapping[str, float],
    *,
    exclude: str | None = None,
    rng: random.Random | None = None,
) -> Drill | None:
    """An untried drill (at random) if any, else the one with the lowest mean share passed.
    ``shares``: drill key -> mean share of checks passed, for the drills the rep has tried."""
    pool = [d for d in drills if d.key != exclude] or list(drills)
    if not pool:
        return None
    rng = rng or random.Random()
    untried = [d for d in pool if d.key not in shares]
    if untried:
        return rng.choice(untried)
    lowest = min(shares[d.key] for d in pool)
    return rng.choice([d for d in pool if shares[d.key] == lowest])


def weakest(shares: Mapping[str, float], titles: Mapping[str, str], n: int = 3) -> list[str]:
    """Titles of the ``n`` drills with the lowest mean share passed (below full marks)."""
    ranked = sorted((share, key) for key, share in shares.items() if share < 1.0)
    return [titles.get(key, key) for _, key in ranked[:n]]
