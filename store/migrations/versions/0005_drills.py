"""practice drills: attempts, manager-added drills, per-team daily drill switch

Revision ID: 0005_drills
Revises: 0004_visits2
Create Date: 2026-12-01

Self-contained on purpose (no import of store.models).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005_drills'
down_revision: str | Sequence[str] | None = '0004_visits2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('drill_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('drill_key', sa.String(length=100), nullable=False),
    sa.Column('drill_title', sa.String(length=200), nullable=False),
    sa.Column('turn', sa.SmallInteger(), nullable=False),
    sa.Column('checks_passed', sa.SmallInteger(), nullable=False),
    sa.Column('checks_total', sa.SmallInteger(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('judged_by', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('checks_passed BETWEEN 0 AND checks_total', name=op.f('ck_drill_attempts_passed_range')),
    sa.CheckConstraint('checks_total > 0', name=op.f('ck_drill_attempts_total_positive')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_drill_attempts_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_drill_attempts_team_id_teams'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_attempts'))
    )
    op.create_index(op.f('ix_drill_attempts_user_id'), 'drill_attempts', ['user_id'])
    op.create_index(op.f('ix_drill_attempts_team_id'), 'drill_attempts', ['team_id'])
    op.create_index(op.f('ix_drill_attempts_drill_key'), 'drill_attempts', ['drill_key'])
    op.create_index(op.f('ix_drill_attempts_created_at'), 'drill_attempts', ['created_at'])
    op.create_table('drill_definitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_drill_definitions_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['card_id'], ['playbook_cards.id'], name=op.f('fk_drill_definitions_card_id_playbook_cards'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_drill_definitions_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_definitions'))
    )
    op.create_index(op.f('ix_drill_definitions_team_id'), 'drill_definitions', ['team_id'])
    op.create_table('drill_team_settings',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('daily_drill', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_drill_team_settings_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_drill_team_settings'))
    )


def downgrade() -> None:
    op.drop_table('drill_team_settings')
    op.drop_index(op.f('ix_drill_definitions_team_id'), table_name='drill_definitions')
    op.drop_table('drill_definitions')
    for column in ('created_at', 'drill_key', 'team_id', 'user_id'):
        op.drop_index(op.f(f'ix_drill_attempts_{column}'), table_name='drill_attempts')
    op.drop_table('drill_attempts')
