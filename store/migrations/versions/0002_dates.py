"""working calendar: loaded holiday arrangements and a team's workweek

Revision ID: 0002_dates
Revises: 0001
Create Date: 2026-12-01

Self-contained on purpose (no import of store.models).

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002_dates'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calendar_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_years'))
    )
    op.create_table('calendar_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('workday', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['year'], ['calendar_years.year'], name=op.f('fk_calendar_days_year_calendar_years'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_days'))
    )
    op.create_index(op.f('ix_calendar_days_year'), 'calendar_days', ['year'])
    with op.batch_alter_table('teams') as batch:
        batch.add_column(sa.Column('workweek', sa.String(length=16), server_default='official', nullable=False))
        batch.create_check_constraint(
            'workweek_valid', "workweek IN ('official', 'saturdays', 'every_day')"
        )


def downgrade() -> None:
    with op.batch_alter_table('teams') as batch:
        batch.drop_constraint('workweek_valid', type_='check')
        batch.drop_column('workweek')
    op.drop_index(op.f('ix_calendar_days_year'), table_name='calendar_days')
    op.drop_table('calendar_days')
    op.drop_table('calendar_years')
