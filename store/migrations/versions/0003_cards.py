"""playbook rules per team; what a visit clarified; a customer's annual output

Revision ID: 0003_cards
Revises: 0002_dates
Create Date: 2026-12-01

A team's override of the playbook rules (team_rules); per visit the questionnaire items the rep
clarified and the need and interest they saw; per customer the annual output (年产值), from which
the ability to pay is judged. Self-contained (no import of store.models).

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003_cards'
down_revision: str | Sequence[str] | None = '0002_dates'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('team_rules',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_rules_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_team_rules_updated_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_team_rules'))
    )
    with op.batch_alter_table('visits') as batch:
        batch.add_column(sa.Column('clarified', sa.JSON(), nullable=False, server_default='[]'))
        batch.add_column(sa.Column('need', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('interest', sa.String(length=10), nullable=True))
        batch.create_check_constraint(
            op.f('ck_visits_need_valid'), "need IS NULL OR need IN ('clear', 'latent', 'none')"
        )
        batch.create_check_constraint(
            op.f('ck_visits_interest_valid'), "interest IS NULL OR interest IN ('strong', 'flat', 'none')"
        )
    with op.batch_alter_table('customers') as batch:
        batch.add_column(
            sa.Column('annual_output_wan', sa.Numeric(precision=16, scale=2, asdecimal=False), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('customers') as batch:
        batch.drop_column('annual_output_wan')
    with op.batch_alter_table('visits') as batch:
        batch.drop_constraint(op.f('ck_visits_interest_valid'), type_='check')
        batch.drop_constraint(op.f('ck_visits_need_valid'), type_='check')
        batch.drop_column('interest')
        batch.drop_column('need')
        batch.drop_column('clarified')
    op.drop_table('team_rules')
