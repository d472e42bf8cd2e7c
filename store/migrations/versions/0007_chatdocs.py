"""knowledge usage: the sources shown under each answer, and the asker's team on feedback

Revision ID: 0007_chatdocs
Revises: 0006_leaks
Create Date: 2026-12-01

Self-contained on purpose (no import of store.models).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007_chatdocs'
down_revision: str | Sequence[str] | None = '0006_leaks'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('feedback') as batch:
        batch.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f('fk_feedback_team_id_teams'), 'teams', ['team_id'], ['id'], ondelete='SET NULL'
        )
        batch.create_index(op.f('ix_feedback_team_id'), ['team_id'])
    op.execute(
        'UPDATE feedback SET team_id = (SELECT users.team_id FROM users WHERE users.id = feedback.user_id)'
    )
    op.create_table('answer_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('rank', sa.SmallInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('card', 'document')", name=op.f('ck_answer_sources_kind_valid')),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_answer_sources_feedback_id_feedback'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_answer_sources_team_id_teams'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_sources'))
    )
    for column in ('feedback_id', 'team_id', 'source', 'created_at'):
        op.create_index(op.f(f'ix_answer_sources_{column}'), 'answer_sources', [column])


def downgrade() -> None:
    for column in ('created_at', 'source', 'team_id', 'feedback_id'):
        op.drop_index(op.f(f'ix_answer_sources_{column}'), table_name='answer_sources')
    op.drop_table('answer_sources')
    with op.batch_alter_table('feedback') as batch:
        batch.drop_index(op.f('ix_feedback_team_id'))
        batch.drop_constraint(op.f('fk_feedback_team_id_teams'), type_='foreignkey')
        batch.drop_column('team_id')
