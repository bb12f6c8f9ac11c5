"""clinic country: chooses the emergency and urgent-advice numbers in patient texts

Revision ID: c4d5e6f7a8b9
Revises: c4e8a1f0b2d7
Create Date: 2026-12-02 16:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4d5e6f7a8b9"
down_revision = "c4e8a1f0b2d7"
branch_labels = None
depends_on = None


# SQLite's batch mode rebuilds the table from what it can reflect, which leaves out the
# expression index on lower(name) (clinic names unique ignoring case): put it back.
KEEP_NAME_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS uq_clinics_name_lower ON clinics (lower(name))"


def upgrade():
    with op.batch_alter_table("clinics", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("country", sa.String(length=2), nullable=False, server_default="GB")
        )
    op.execute(KEEP_NAME_INDEX)


def downgrade():
    with op.batch_alter_table("clinics", schema=None) as batch_op:
        batch_op.drop_column("country")
    op.execute(KEEP_NAME_INDEX)
