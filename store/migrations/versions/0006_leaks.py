"""no data crosses a team: task statuses and visit drafts carry their team; a 'user' task the
team of its assignee

Revision ID: 0006_leaks
Revises: 0005_drills
Create Date: 2026-12-01

Self-contained on purpose (no import of store.models). Existing rows get the team their person
is in now (the best guess there is).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006_leaks'
down_revision: str | Sequence[str] | None = '0005_drills'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('task_statuses', 'visit_drafts')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
            batch.create_index(batch.f(f'ix_{table}_team_id'), ['team_id'], unique=False)
            batch.create_foreign_key(
                batch.f(f'fk_{table}_team_id_teams'), 'teams', ['team_id'], ['id'], ondelete='SET NULL'
            )
        op.execute(
            f'UPDATE {table} SET team_id = (SELECT users.team_id FROM users WHERE users.id = {table}.user_id)'
        )
    op.execute(
        "UPDATE tasks SET team_id = (SELECT users.team_id FROM users WHERE users.id = tasks.assignee_id) "
        "WHERE scope = 'user'"
    )


def downgrade() -> None:
    op.execute("UPDATE tasks SET team_id = NULL WHERE scope = 'user'")
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(batch.f(f'fk_{table}_team_id_teams'), type_='foreignkey')
            batch.drop_index(batch.f(f'ix_{table}_team_id'))
            batch.drop_column('team_id')
