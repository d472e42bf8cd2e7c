"""Tables, as typed SQLAlchemy 2.x models.

Enum-like values are module-level tuples (with matching ``Literal`` types for annotations),
stored as plain strings and guarded by CHECK constraints. Every timestamp is timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# ---------------------------------------------------------------- vocabularies

Role = Literal["rep", "manager", "admin"]
ROLES: tuple[Role, ...] = ("rep", "manager", "admin")

GapReason = Literal["abstained", "downvoted"]
GAP_REASONS: tuple[GapReason, ...] = ("abstained", "downvoted")

GRADES = ("A", "B", "C", "D")

#: The eight milestones of a B2B deal, in order.
MILESTONES = (
    "行业与客户规划",
    "电话预约与上门拜访",
    "项目立项",
    "深度接触",
    "技术突破",
    "商务突破",
    "现场投标",
    "合同签订",
)

BUYING_ROLES = ("决策者", "技术评估者", "商务评估者", "使用者")
STANCES = ("良师益友", "支持者", "中立者", "反对者", "死敌")
PERSONALITIES = ("D", "I", "S", "C")

#: what a visit says about the customer's need and interest (scored separately; see bot.sales.rules)
Need = Literal["clear", "latent", "none"]
NEEDS: tuple[Need, ...] = ("clear", "latent", "none")
Interest = Literal["strong", "flat", "none"]
INTERESTS: tuple[Interest, ...] = ("strong", "flat", "none")

VISIT_KINDS = ("上门", "电话", "演示", "参观考察", "宴请", "活动")
Outcome = Literal["interested", "not_interested", "need_followup", "deal_won", "deal_lost", "no_show"]
OUTCOMES: tuple[Outcome, ...] = (
    "interested",
    "not_interested",
    "need_followup",
    "deal_won",
    "deal_lost",
    "no_show",
)

TaskScope = Literal["user", "team", "all"]
TASK_SCOPES: tuple[TaskScope, ...] = ("user", "team", "all")
RECURRENCES = ("daily",)
TaskStatusValue = Literal["open", "done", "not_done"]
TASK_STATUSES: tuple[TaskStatusValue, ...] = ("open", "done", "not_done")
DraftStatus = Literal["open", "saved", "discarded"]
DRAFT_STATUSES: tuple[DraftStatus, ...] = ("open", "saved", "discarded")
ClaimStatus = Literal["claimed", "sent", "failed"]
CLAIM_STATUSES: tuple[ClaimStatus, ...] = ("claimed", "sent", "failed")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """``TIMESTAMP WITH TIME ZONE`` that always hands back aware UTC datetimes (SQLite included).

    Naive datetimes given to it are taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def one_of(column: str, values: tuple[str, ...], *, nullable: bool = False) -> CheckConstraint:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    condition = f"{column} IN ({quoted})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=f"{column}_valid")


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }

    def __repr__(self) -> str:
        pk = ", ".join(f"{c.key}={getattr(self, c.key, None)!r}" for c in self.__mapper__.primary_key)
        return f"<{type(self).__name__} {pk}>"


# ---------------------------------------------------------------- users & teams


DEFAULT_MORNING_PUSH, DEFAULT_EVENING_SUMMARY = "09:00", "18:00"  # local time, until /schedule sets others

#: Which days a team works (and gets its morning push and evening summary): China's official
#: working days; those plus every Saturday that is not a public holiday; or every day.
Workweek = Literal["official", "saturdays", "every_day"]
WORKWEEKS: tuple[Workweek, ...] = ("official", "saturdays", "every_day")
DEFAULT_WORKWEEK: Workweek = "official"


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (one_of("workweek", WORKWEEKS),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    morning_push: Mapped[str] = mapped_column(String(5), default=DEFAULT_MORNING_PUSH)
    evening_summary: Mapped[str] = mapped_column(String(5), default=DEFAULT_EVENING_SUMMARY)
    workweek: Mapped[str] = mapped_column(
        String(16), default=DEFAULT_WORKWEEK, server_default=DEFAULT_WORKWEEK
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarYear(Base):
    """A year whose official holiday arrangement an admin loaded (``coach calendar load``): it
    overrides the arrangement shipped with the chinese-calendar package, or fills a year it lacks."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(200))  # the file it came from
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarDay(Base):
    """One exception to Monday–Friday in a loaded year: a day off (holiday) or a 调休 working day."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("calendar_years.year", ondelete="CASCADE"), index=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(40))  # 国庆节, 春节…


class TeamRules(Base):
    """A team's override of the playbook rules (bot.sales.rules): only the keys it changes."""

    __tablename__ = "team_rules"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (one_of("role", ROLES),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16), default="rep")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team | None] = relationship(lazy="joined")


class Invite(Base):
    __tablename__ = "invites"
    __table_args__ = (one_of("role", ROLES),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None]


class ConversationState(Base):
    """Where a user is in a multi-step form; ``version`` guards against lost updates."""

    __tablename__ = "conversation_states"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    flow: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


# ---------------------------------------------------------------- knowledge


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (CheckConstraint("vote IN (1, -1)", name="vote_valid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # the asker's team when answered: votes are counted per team (None: no team, or older rows)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    sources: Mapped[list[Any]] = mapped_column(default=list)
    vote: Mapped[int | None] = mapped_column(SmallInteger)  # None until the person votes
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


#: what answered a question: a taught card (source ``card:<id>``) or a document
SourceKind = Literal["card", "document"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("card", "document")


class AnswerSource(Base):
    """One source shown under one answer (a Feedback row): what the knowledge usage counts."""

    __tablename__ = "answer_sources"
    __table_args__ = (one_of("kind", SOURCE_KINDS),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(String(300), index=True)  # as labelled under the answer
    kind: Mapped[str] = mapped_column(String(10))
    rank: Mapped[int] = mapped_column(SmallInteger)  # 1 for the first source shown
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class PlaybookCard(Base):
    """A short script taught by a manager; ``team_id`` None means every team."""

    __tablename__ = "playbook_cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    script: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KnowledgeGap(Base):
    __tablename__ = "knowledge_gaps"
    __table_args__ = (one_of("reason", GAP_REASONS),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None when asked outside the chat (`coach ask`)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    question: Mapped[str] = mapped_column(Text)
    normalized_question: Mapped[str] = mapped_column(String(500), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_by_card_id: Mapped[int | None] = mapped_column(
        ForeignKey("playbook_cards.id", ondelete="SET NULL"), index=True
    )
    notified_at: Mapped[datetime | None]


# ---------------------------------------------------------------- customers & contacts


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("team_id", "normalized_name"),
        one_of("grade", GRADES, nullable=True),
        one_of("milestone", MILESTONES, nullable=True),
        CheckConstraint("stars IS NULL OR stars BETWEEN 1 AND 5", name="stars_valid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    normalized_name: Mapped[str] = mapped_column(String(200), index=True)
    industry: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    grade: Mapped[str | None] = mapped_column(String(1))
    stars: Mapped[int | None] = mapped_column(SmallInteger)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    milestone: Mapped[str | None] = mapped_column(String(20))
    expected_amount_wan: Mapped[float | None] = mapped_column(Numeric(14, 2, asdecimal=False))
    #: the company's annual output (年产值), from which the ability to pay is judged
    annual_output_wan: Mapped[float | None] = mapped_column(Numeric(16, 2, asdecimal=False))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        one_of("buying_role", BUYING_ROLES, nullable=True),
        one_of("stance", STANCES, nullable=True),
        one_of("personality", PERSONALITIES, nullable=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    landline: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    buying_role: Mapped[str | None] = mapped_column(String(10))
    stance: Mapped[str | None] = mapped_column(String(10))
    personality: Mapped[str | None] = mapped_column(String(1))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# ---------------------------------------------------------------- visits


class Visit(Base):
    __tablename__ = "visits"
    __table_args__ = (
        one_of("kind", VISIT_KINDS),
        one_of("outcome", OUTCOMES),
        one_of("need", NEEDS, nullable=True),
        one_of("interest", INTERESTS, nullable=True),
        one_of("milestone_before", MILESTONES, nullable=True),
        one_of("milestone_set", MILESTONES, nullable=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str | None] = mapped_column(Text)
    next_date: Mapped[date | None] = mapped_column(Date, index=True)
    amount_wan: Mapped[float | None] = mapped_column(Numeric(14, 2, asdecimal=False))
    effective: Mapped[bool] = mapped_column(Boolean, default=True)
    #: questionnaire item ids the rep clarified (the team's rules name the items)
    clarified: Mapped[list[Any]] = mapped_column(default=list)
    need: Mapped[str | None] = mapped_column(String(10))
    interest: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminder_sent_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]  # a voided visit is kept but counts nowhere
    #: the milestone this visit moved its customer to (None: it moved none), and the one it stood at
    #: before, given back when the visit is voided or its won deal is edited away
    milestone_set: Mapped[str | None] = mapped_column(String(20))
    milestone_before: Mapped[str | None] = mapped_column(String(20))

    customer: Mapped[Customer] = relationship(lazy="joined", innerjoin=True)
    contact: Mapped[Contact | None] = relationship(lazy="joined")


class VisitChange(Base):
    """One change to a saved visit (an edited field, or its voiding): who, when, old → new."""

    __tablename__ = "visit_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    field: Mapped[str] = mapped_column(String(30))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)


class VisitDraft(Base):
    """A visit report shown on a card and not yet confirmed: one row per card, so each card's
    buttons (``vd:<id>:…``) act on exactly that report. ``visit_id`` is set when the draft edits a
    saved visit. ``version`` guards against lost updates from a second process."""

    __tablename__ = "visit_drafts"
    __table_args__ = (one_of("status", DRAFT_STATUSES),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: the team the draft was started in: a person who changes team no longer sees it
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default="open")
    step: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# ---------------------------------------------------------------- tasks


class Task(Base):
    """A manager's instruction. ``scope`` says who it applies to; ``recurrence='daily'`` repeats it
    every day from ``starts_on`` (if set) to ``due_date`` (if set). ``team_id``: the team of a
    'team' task, and the team its assignee was in for a 'user' task (it applies only there)."""

    __tablename__ = "tasks"
    __table_args__ = (
        one_of("scope", TASK_SCOPES),
        one_of("recurrence", RECURRENCES, nullable=True),
        CheckConstraint(
            "(scope <> 'user' OR assignee_id IS NOT NULL) AND (scope <> 'team' OR team_id IS NOT NULL)",
            name="scope_target",
        ),
        CheckConstraint("quota_visits IS NULL OR quota_visits > 0", name="quota_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(8))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    recurrence: Mapped[str | None] = mapped_column(String(10))
    quota_visits: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TaskStatus(Base):
    __tablename__ = "task_statuses"
    __table_args__ = (UniqueConstraint("task_id", "user_id", "day"), one_of("status", TASK_STATUSES))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: the person's team when the row was made: the row stays with that team (store/access.py)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    task: Mapped[Task] = relationship(lazy="joined", innerjoin=True)
    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


# ---------------------------------------------------------------- claims


class Claim(Base):
    """One row per scheduled push that has been claimed; the primary key makes it exactly-once.
    ``status``: claimed (being sent) → sent, or failed (taken again by a later tick while
    ``attempts`` is under the limit)."""

    __tablename__ = "claims"
    __table_args__ = (one_of("status", CLAIM_STATUSES),)

    kind: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    claimed_by: Mapped[str] = mapped_column(String(200))
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="claimed")
    attempts: Mapped[int] = mapped_column(Integer, default=1)


# ---------------------------------------------------------------- drills


class DrillAttempt(Base):
    """One scored answer in a practice drill (one turn of the role-play)."""

    __tablename__ = "drill_attempts"
    __table_args__ = (
        CheckConstraint("checks_passed BETWEEN 0 AND checks_total", name="passed_range"),
        CheckConstraint("checks_total > 0", name="total_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    drill_key: Mapped[str] = mapped_column(String(100), index=True)
    drill_title: Mapped[str] = mapped_column(String(200))
    turn: Mapped[int] = mapped_column(SmallInteger, default=0)
    checks_passed: Mapped[int] = mapped_column(SmallInteger)
    checks_total: Mapped[int] = mapped_column(SmallInteger)
    answer: Mapped[str] = mapped_column(Text)
    judged_by: Mapped[str] = mapped_column(String(10), default="offline")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class DrillDefinition(Base):
    """A drill added by a manager (for a taught card or a team document); ``data`` holds the same
    mapping as a card's ``drill:`` block. ``team_id`` None means every team."""

    __tablename__ = "drill_definitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    tags: Mapped[list[Any]] = mapped_column(default=list)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("playbook_cards.id", ondelete="SET NULL"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DrillTeamSetting(Base):
    """Per team: whether the morning push carries a 今日一练 line."""

    __tablename__ = "drill_team_settings"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    daily_drill: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
