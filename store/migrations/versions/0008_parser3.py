"""visits remember the milestone they moved their customer from and to, so a void can give it back

Revision ID: 0008_parser3
Revises: 0007_chatdocs
Create Date: 2026-12-01

Self-contained on purpose (no import of store.models). The check constraints are added in batch
mode (a table copy on SQLite, ALTER elsewhere).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008_parser3'
down_revision: str | Sequence[str] | None = '0007_chatdocs'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MILESTONES = (
    '行业与客户规划',
    '电话预约与上门拜访',
    '项目立项',
    '深度接触',
    '技术突破',
    '商务突破',
    '现场投标',
    '合同签订',
)
_LISTED = ', '.join(f"'{m}'" for m in MILESTONES)


def upgrade() -> None:
    with op.batch_alter_table('visits') as batch:
        batch.add_column(sa.Column('milestone_set', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('milestone_before', sa.String(length=20), nullable=True))
        for column in ('milestone_set', 'milestone_before'):
            batch.create_check_constraint(
                op.f(f'ck_visits_{column}_valid'), f'{column} IS NULL OR {column} IN ({_LISTED})'
            )


def downgrade() -> None:
    with op.batch_alter_table('visits') as batch:
        for column in ('milestone_before', 'milestone_set'):
            batch.drop_constraint(op.f(f'ck_visits_{column}_valid'), type_='check')
            batch.drop_column(column)
