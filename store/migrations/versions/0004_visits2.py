"""visit drafts, visit changes and voiding, push claims with a delivery state

Revision ID: 0004_visits2
Revises: 0003_cards
Create Date: 2026-12-01

Self-contained (no import of store.models). SQLite cannot add a CHECK constraint to an existing
table, so the claims status check is added in batch mode (a table copy there, ALTER elsewhere).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_visits2"
down_revision: str | Sequence[str] | None = "0003_cards"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("visits", sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "visit_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("field", sa.String(length=30), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_visit_changes_visit_id_visits"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["users.id"], name=op.f("fk_visit_changes_changed_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_changes")),
    )
    op.create_index(op.f("ix_visit_changes_visit_id"), "visit_changes", ["visit_id"])
    op.create_table(
        "visit_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'saved', 'discarded')", name=op.f("ck_visit_drafts_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_visit_drafts_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_visit_drafts_visit_id_visits"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_drafts")),
    )
    op.create_index(op.f("ix_visit_drafts_user_id"), "visit_drafts", ["user_id"])
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("status", sa.String(length=10), nullable=False, server_default="claimed"))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="1"))
        batch.create_check_constraint(
            op.f("ck_claims_status_valid"), "status IN ('claimed', 'sent', 'failed')"
        )


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.drop_constraint(op.f("ck_claims_status_valid"), type_="check")
        batch.drop_column("attempts")
        batch.drop_column("status")
    op.drop_index(op.f("ix_visit_drafts_user_id"), table_name="visit_drafts")
    op.drop_table("visit_drafts")
    op.drop_index(op.f("ix_visit_changes_visit_id"), table_name="visit_changes")
    op.drop_table("visit_changes")
    op.drop_column("visits", "voided_at")
