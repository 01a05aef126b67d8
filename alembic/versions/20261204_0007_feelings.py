"""Feelings: the mood scale runs from Great to Awful, and patients may add feelings to a day.

The lowest face used to be labelled "Angry" while meaning "the worst day". It is now "Awful";
the scores, and so the risk rules, do not change. A patient who chose it said they were angry,
so every existing entry with score 1 gets the feeling "angry": nothing they told us is lost.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# As shipped in this revision (a migration is a snapshot, so the list is written out here).
FEELINGS = ('anxious', 'angry', 'lonely', 'tired', 'stressed', 'overwhelmed', 'numb', 'irritable', 'calm', 'hopeful', 'grateful', 'proud')


def upgrade() -> None:
    listed = ", ".join(f"'{f}'" for f in FEELINGS)
    op.create_table('mood_entry_feelings',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('feeling', sa.String(length=20), nullable=False),
    sa.CheckConstraint(f"feeling IN ({listed})", name='ck_mood_entry_feelings_feeling'),
    sa.ForeignKeyConstraint(['entry_id'], ['mood_entries.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entry_id', 'feeling')
    )
    with op.batch_alter_table('mood_entry_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feelings', sa.String(length=200), server_default='', nullable=False))
    op.execute("INSERT INTO mood_entry_feelings (entry_id, feeling) SELECT id, 'angry' FROM mood_entries WHERE score = 1")
    op.execute("UPDATE mood_entry_versions SET feelings = 'angry' WHERE score = 1")


def downgrade() -> None:
    with op.batch_alter_table('mood_entry_versions', schema=None) as batch_op:
        batch_op.drop_column('feelings')
    op.drop_table('mood_entry_feelings')
