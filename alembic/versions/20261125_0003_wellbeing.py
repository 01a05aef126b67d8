"""Wellbeing: daily mood entries and their versions, replies, tasks and pins, suggestions, risk alerts.

Also creates the starter library of mindfulness tasks, so a new installation can suggest a task
on the first day. The rows are written out here rather than imported: a migration is a snapshot.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
from datetime import datetime, timezone
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# (title, description, minutes, mood band)
STARTER_TASKS = [
    ("Three slow breaths", "Breathe in through your nose for a count of four and out through your mouth for a count of six. Three times. That is all.", 2, "low"),
    ("Hand on heart", "Rest a hand on your chest and feel it rise and fall. Say to yourself: this is hard, and I am doing my best.", 3, "low"),
    ("Name the feeling", "Sit for a moment and name what you feel in one or two words. No need to change it: naming it is enough.", 5, "low"),
    ("5-4-3-2-1 grounding", "Notice five things you can see, four you can hear, three you can touch, two you can smell and one you can taste.", 5, "low"),
    ("A glass of water, slowly", "Pour a glass of water and drink it slowly, noticing its coolness and each sip.", 5, "low"),
    ("Box breathing", "Breathe in for four, hold for four, breathe out for four, hold for four. Repeat for a few minutes.", 5, "mid"),
    ("Body scan", "Sitting or lying down, move your attention slowly from your toes to the top of your head, noticing each part without judging it.", 10, "mid"),
    ("Write it down", "Write whatever is on your mind for ten minutes without stopping or correcting. Nobody else needs to read it.", 10, "mid"),
    ("A mindful cup of tea", "Make a warm drink and give it your full attention: the smell, the warmth of the cup, each sip.", 10, "mid"),
    ("Mindful walk", "Walk slowly, indoors or out, paying attention to each step and to what you can see and hear around you.", 15, "mid"),
    ("A kind message", "Send a short, kind message to someone you care about, and notice how it feels to send it.", 5, "high"),
    ("Three good things", "Write down three things that went well today, and why each of them went well.", 10, "high"),
    ("Savour a moment", "Pick something pleasant, such as music, sunlight or a meal, and spend a few minutes noticing everything about it.", 10, "high"),
    ("Loving-kindness", "Wish yourself well, then someone you love, then someone you barely know: may you be safe, may you be well.", 15, "high"),
    ("Stretch and notice", "Stretch slowly from head to toe, paying attention to how each part of your body feels as it moves.", 15, "high"),
    ("Breath meditation", "Sit comfortably and follow your breath. When your mind wanders, gently bring it back, as often as you need.", 20, "high"),
]


def _add_starter_tasks() -> None:
    tasks = sa.table(
        'wellbeing_tasks',
        sa.column('title', sa.String()),
        sa.column('description', sa.String()),
        sa.column('minutes', sa.Integer()),
        sa.column('band', sa.String()),
        sa.column('retired', sa.Boolean()),
        sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('updated_at', sa.DateTime(timezone=True)),
    )
    now = datetime.now(timezone.utc).replace(microsecond=0)
    op.bulk_insert(tasks, [
        dict(title=t, description=d, minutes=m, band=b, retired=False, created_at=now, updated_at=now)
        for t, d, m, b in STARTER_TASKS
    ])


def upgrade() -> None:
    op.create_table('wellbeing_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=600), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('band', sa.String(length=10), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("band IN ('low', 'mid', 'high')", name='ck_wellbeing_tasks_band'),
    sa.CheckConstraint('length(trim(title)) > 0', name='ck_wellbeing_tasks_title'),
    sa.CheckConstraint('minutes BETWEEN 1 AND 120', name='ck_wellbeing_tasks_minutes'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('daily_suggestions',
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('message_index', sa.Integer(), nullable=False),
    sa.CheckConstraint('message_index >= 0', name='ck_daily_suggestions_message_index'),
    sa.ForeignKeyConstraint(['patient_id'], ['patient_profiles.user_id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['wellbeing_tasks.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('patient_id', 'day')
    )
    op.create_table('mood_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=280), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('risk_level', sa.String(length=10), nullable=False),
    sa.Column('risk_reasons', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("risk_level IN ('none', 'watch', 'urgent')", name='ck_mood_entries_risk_level'),
    sa.CheckConstraint('length(note) <= 280', name='ck_mood_entries_note'),
    sa.CheckConstraint('minutes BETWEEN 0 AND 120 AND minutes % 5 = 0', name='ck_mood_entries_minutes'),
    sa.CheckConstraint('score BETWEEN 1 AND 7', name='ck_mood_entries_score'),
    sa.ForeignKeyConstraint(['patient_id'], ['patient_profiles.user_id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('patient_id', 'day', name='uq_mood_entries_patient_day')
    )
    with op.batch_alter_table('mood_entries', schema=None) as batch_op:
        batch_op.create_index('ix_mood_entries_patient_reviewed', ['patient_id', 'reviewed_at'], unique=False)

    op.create_table('task_pins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('pinned_by', sa.Integer(), nullable=True),
    sa.Column('pinned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patient_profiles.user_id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pinned_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['task_id'], ['wellbeing_tasks.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('patient_id', 'task_id', name='uq_task_pins_patient_task')
    )
    with op.batch_alter_table('task_pins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_pins_task_id'), ['task_id'], unique=False)

    op.create_table('entry_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('psychiatrist_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.String(length=280), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(body) BETWEEN 1 AND 280', name='ck_entry_replies_body'),
    sa.ForeignKeyConstraint(['entry_id'], ['mood_entries.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['psychiatrist_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entry_id', 'psychiatrist_id', name='uq_entry_replies_entry_psychiatrist')
    )
    op.create_table('mood_entry_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=280), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(note) <= 280', name='ck_mood_entry_versions_note'),
    sa.CheckConstraint('minutes BETWEEN 0 AND 120 AND minutes % 5 = 0', name='ck_mood_entry_versions_minutes'),
    sa.CheckConstraint('score BETWEEN 1 AND 7', name='ck_mood_entry_versions_score'),
    sa.ForeignKeyConstraint(['entry_id'], ['mood_entries.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mood_entry_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mood_entry_versions_entry_id'), ['entry_id'], unique=False)

    op.create_table('risk_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=280), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("level IN ('watch', 'urgent')", name='ck_risk_alerts_level'),
    sa.CheckConstraint('acknowledged_by IS NULL OR acknowledged_at IS NOT NULL', name='ck_risk_alerts_acknowledged'),
    sa.CheckConstraint('length(note) <= 280', name='ck_risk_alerts_note'),
    sa.CheckConstraint('score BETWEEN 1 AND 7', name='ck_risk_alerts_score'),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['mood_entries.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['patient_id'], ['patient_profiles.user_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('risk_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_alerts_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index('ix_risk_alerts_patient_open', ['patient_id', 'acknowledged_at'], unique=False)

    _add_starter_tasks()


def downgrade() -> None:
    with op.batch_alter_table('risk_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_risk_alerts_patient_open')
        batch_op.drop_index(batch_op.f('ix_risk_alerts_entry_id'))

    op.drop_table('risk_alerts')
    with op.batch_alter_table('mood_entry_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mood_entry_versions_entry_id'))

    op.drop_table('mood_entry_versions')
    op.drop_table('entry_replies')
    with op.batch_alter_table('task_pins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_pins_task_id'))

    op.drop_table('task_pins')
    with op.batch_alter_table('mood_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_mood_entries_patient_reviewed')

    op.drop_table('mood_entries')
    op.drop_table('daily_suggestions')
    op.drop_table('wellbeing_tasks')
