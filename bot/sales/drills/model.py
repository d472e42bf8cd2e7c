"""What a drill is: the customer's opening line(s), optional follow-up objections, and per turn
2–5 yes/no checks, each with a short reference phrasing and key terms (see the playbook README)."""

from __future__ import annotations

from dataclasses import dataclass, field

MIN_CHECKS, MAX_CHECKS = 2, 5
MAX_TURNS = 3  # the opening line plus up to two follow-up objections


@dataclass(frozen=True)
class Check:
    criterion: str  # the yes/no question, shown to the rep: 先问需求再报价
    reference: str  # how a good answer might say it
    terms: tuple[tuple[str, ...], ...] = ()  # key-term groups; a group is met by any of its words


@dataclass(frozen=True)
class Turn:
    customer: str  # what the customer says
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class Drill:
    key: str  # "pb:<card file stem>" for playbook cards, "db:<id>" for drills added by managers
    title: str
    tags: tuple[str, ...]
    openings: tuple[str, ...]  # alternative opening lines; one is played per attempt
    checks: tuple[Check, ...]  # checks of the opening turn
    followups: tuple[Turn, ...] = ()
    script: str = ""  # the card's model script (its 话术 section)
    team_id: int | None = None  # None: every team
    questions: tuple[str, ...] = field(default=(), compare=False)

    def turn(self, index: int, opening: int = 0) -> Turn:
        """Turn 0 is the opening (line ``opening``), then the follow-ups in order."""
        if index == 0:
            return Turn(self.openings[opening % len(self.openings)], self.checks)
        return self.followups[index - 1]

    @property
    def turns(self) -> int:
        return min(MAX_TURNS, 1 + len(self.followups))

    @property
    def topic_text(self) -> str:
        """What topic matching reads: title, tags, the card's questions and the customer lines."""
        return " ".join([self.title, *self.tags, *self.questions, *self.openings])
