"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Every table of the first release. Written by autogenerate against store.models, then tidied:
it is self-contained on purpose (no import of store.models), so later model edits cannot change it.

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('claims',
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('claimed_by', sa.String(length=200), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'key', name=op.f('pk_claims'))
    )
    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('morning_push', sa.String(length=5), nullable=False),
    sa.Column('evening_summary', sa.String(length=5), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('name', name=op.f('uq_teams_name'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('telegram_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('rep', 'manager', 'admin')", name=op.f('ck_users_role_valid')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_users_team_id_teams'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('telegram_id', name=op.f('uq_users_telegram_id'))
    )
    op.create_index(op.f('ix_users_team_id'), 'users', ['team_id'])

    op.create_table('conversation_states',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('flow', sa.String(length=64), nullable=False),
    sa.Column('step', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_conversation_states_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_conversation_states'))
    )
    op.create_index(op.f('ix_conversation_states_updated_at'), 'conversation_states', ['updated_at'])

    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('normalized_name', sa.String(length=200), nullable=False),
    sa.Column('industry', sa.String(length=100), nullable=True),
    sa.Column('region', sa.String(length=100), nullable=True),
    sa.Column('grade', sa.String(length=1), nullable=True),
    sa.Column('stars', sa.SmallInteger(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('milestone', sa.String(length=20), nullable=True),
    sa.Column('expected_amount_wan', sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("grade IS NULL OR grade IN ('A', 'B', 'C', 'D')", name=op.f('ck_customers_grade_valid')),
    sa.CheckConstraint("milestone IS NULL OR milestone IN ('行业与客户规划', '电话预约与上门拜访', '项目立项', '深度接触', '技术突破', '商务突破', '现场投标', '合同签订')", name=op.f('ck_customers_milestone_valid')),
    sa.CheckConstraint('stars IS NULL OR stars BETWEEN 1 AND 5', name=op.f('ck_customers_stars_valid')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_customers_owner_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_customers_team_id_teams'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('team_id', 'normalized_name', name=op.f('uq_customers_team_id_normalized_name'))
    )
    op.create_index(op.f('ix_customers_normalized_name'), 'customers', ['normalized_name'])
    op.create_index(op.f('ix_customers_owner_id'), 'customers', ['owner_id'])
    op.create_index(op.f('ix_customers_team_id'), 'customers', ['team_id'])

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('vote', sa.SmallInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('vote IN (1, -1)', name=op.f('ck_feedback_vote_valid')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_feedback_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    op.create_index(op.f('ix_feedback_user_id'), 'feedback', ['user_id'])

    op.create_table('invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_by', sa.Integer(), nullable=True),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('rep', 'manager', 'admin')", name=op.f('ck_invites_role_valid')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_invites_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_invites_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['used_by'], ['users.id'], name=op.f('fk_invites_used_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invites')),
    sa.UniqueConstraint('code', name=op.f('uq_invites_code'))
    )
    op.create_table('playbook_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('script', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_playbook_cards_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_playbook_cards_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_playbook_cards'))
    )
    op.create_index(op.f('ix_playbook_cards_team_id'), 'playbook_cards', ['team_id'])

    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('landline', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('buying_role', sa.String(length=10), nullable=True),
    sa.Column('stance', sa.String(length=10), nullable=True),
    sa.Column('personality', sa.String(length=1), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("buying_role IS NULL OR buying_role IN ('决策者', '技术评估者', '商务评估者', '使用者')", name=op.f('ck_contacts_buying_role_valid')),
    sa.CheckConstraint("personality IS NULL OR personality IN ('D', 'I', 'S', 'C')", name=op.f('ck_contacts_personality_valid')),
    sa.CheckConstraint("stance IS NULL OR stance IN ('良师益友', '支持者', '中立者', '反对者', '死敌')", name=op.f('ck_contacts_stance_valid')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_contacts_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    op.create_index(op.f('ix_contacts_customer_id'), 'contacts', ['customer_id'])

    op.create_table('knowledge_gaps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('normalized_question', sa.String(length=500), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_by_card_id', sa.Integer(), nullable=True),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("reason IN ('abstained', 'downvoted')", name=op.f('ck_knowledge_gaps_reason_valid')),
    sa.ForeignKeyConstraint(['resolved_by_card_id'], ['playbook_cards.id'], name=op.f('fk_knowledge_gaps_resolved_by_card_id_playbook_cards'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_knowledge_gaps_team_id_teams'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_knowledge_gaps_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_gaps'))
    )
    op.create_index(op.f('ix_knowledge_gaps_normalized_question'), 'knowledge_gaps', ['normalized_question'])
    op.create_index(op.f('ix_knowledge_gaps_resolved_by_card_id'), 'knowledge_gaps', ['resolved_by_card_id'])
    op.create_index(op.f('ix_knowledge_gaps_team_id'), 'knowledge_gaps', ['team_id'])
    op.create_index(op.f('ix_knowledge_gaps_user_id'), 'knowledge_gaps', ['user_id'])

    op.create_table('tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('recurrence', sa.String(length=10), nullable=True),
    sa.Column('quota_visits', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(scope <> 'user' OR assignee_id IS NOT NULL) AND (scope <> 'team' OR team_id IS NOT NULL)", name=op.f('ck_tasks_scope_target')),
    sa.CheckConstraint("recurrence IS NULL OR recurrence IN ('daily')", name=op.f('ck_tasks_recurrence_valid')),
    sa.CheckConstraint("scope IN ('user', 'team', 'all')", name=op.f('ck_tasks_scope_valid')),
    sa.CheckConstraint('quota_visits IS NULL OR quota_visits > 0', name=op.f('ck_tasks_quota_positive')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_tasks_assignee_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_tasks_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_tasks_customer_id_customers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_tasks_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks'))
    )
    op.create_index(op.f('ix_tasks_assignee_id'), 'tasks', ['assignee_id'])
    op.create_index(op.f('ix_tasks_team_id'), 'tasks', ['team_id'])

    op.create_table('task_statuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'done', 'not_done')", name=op.f('ck_task_statuses_status_valid')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_statuses_task_id_tasks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_task_statuses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_statuses')),
    sa.UniqueConstraint('task_id', 'user_id', 'day', name=op.f('uq_task_statuses_task_id_user_id_day'))
    )
    op.create_index(op.f('ix_task_statuses_day'), 'task_statuses', ['day'])
    op.create_index(op.f('ix_task_statuses_user_id'), 'task_statuses', ['user_id'])

    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rep_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('next_step', sa.Text(), nullable=True),
    sa.Column('next_date', sa.Date(), nullable=True),
    sa.Column('amount_wan', sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=True),
    sa.Column('effective', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('上门', '电话', '演示', '参观考察', '宴请', '活动')", name=op.f('ck_visits_kind_valid')),
    sa.CheckConstraint("outcome IN ('interested', 'not_interested', 'need_followup', 'deal_won', 'deal_lost', 'no_show')", name=op.f('ck_visits_outcome_valid')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_visits_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_visits_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rep_id'], ['users.id'], name=op.f('fk_visits_rep_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    op.create_index(op.f('ix_visits_customer_id'), 'visits', ['customer_id'])
    op.create_index(op.f('ix_visits_next_date'), 'visits', ['next_date'])
    op.create_index(op.f('ix_visits_rep_id'), 'visits', ['rep_id'])
    op.create_index(op.f('ix_visits_visited_on'), 'visits', ['visited_on'])



def downgrade() -> None:
    op.drop_index(op.f('ix_visits_visited_on'), table_name='visits')
    op.drop_index(op.f('ix_visits_rep_id'), table_name='visits')
    op.drop_index(op.f('ix_visits_next_date'), table_name='visits')
    op.drop_index(op.f('ix_visits_customer_id'), table_name='visits')

    op.drop_table('visits')
    op.drop_index(op.f('ix_task_statuses_user_id'), table_name='task_statuses')
    op.drop_index(op.f('ix_task_statuses_day'), table_name='task_statuses')

    op.drop_table('task_statuses')
    op.drop_index(op.f('ix_tasks_team_id'), table_name='tasks')
    op.drop_index(op.f('ix_tasks_assignee_id'), table_name='tasks')

    op.drop_table('tasks')
    op.drop_index(op.f('ix_knowledge_gaps_user_id'), table_name='knowledge_gaps')
    op.drop_index(op.f('ix_knowledge_gaps_team_id'), table_name='knowledge_gaps')
    op.drop_index(op.f('ix_knowledge_gaps_resolved_by_card_id'), table_name='knowledge_gaps')
    op.drop_index(op.f('ix_knowledge_gaps_normalized_question'), table_name='knowledge_gaps')

    op.drop_table('knowledge_gaps')
    op.drop_index(op.f('ix_contacts_customer_id'), table_name='contacts')

    op.drop_table('contacts')
    op.drop_index(op.f('ix_playbook_cards_team_id'), table_name='playbook_cards')

    op.drop_table('playbook_cards')
    op.drop_table('invites')
    op.drop_index(op.f('ix_feedback_user_id'), table_name='feedback')

    op.drop_table('feedback')
    op.drop_index(op.f('ix_customers_team_id'), table_name='customers')
    op.drop_index(op.f('ix_customers_owner_id'), table_name='customers')
    op.drop_index(op.f('ix_customers_normalized_name'), table_name='customers')

    op.drop_table('customers')
    op.drop_index(op.f('ix_conversation_states_updated_at'), table_name='conversation_states')

    op.drop_table('conversation_states')
    op.drop_index(op.f('ix_users_team_id'), table_name='users')

    op.drop_table('users')
    op.drop_table('teams')
    op.drop_table('claims')
