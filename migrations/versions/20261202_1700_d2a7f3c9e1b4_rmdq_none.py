"""RMDQ "none of these statements apply": asked with nothing ticked, apart from "not asked"

`assessments.outcomes_rmdq_none` (bool, nullable). Existing records keep NULL: their content and
signed hashes are unchanged (hash version 1 leaves the field out while it is empty, version 2
leaves out every absent value).

Revision ID: d2a7f3c9e1b4
Revises: c4d5e6f7a8b9
Create Date: 2026-12-02 17:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d2a7f3c9e1b4"
down_revision = "c4d5e6f7a8b9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessments") as batch_op:
        batch_op.add_column(sa.Column("outcomes_rmdq_none", sa.Boolean(), nullable=True))


# SQLite's batch mode rebuilds the table from what it can reflect, which leaves out the
# expression index of one row per (record, version): put it back.
KEEP_VERSION_INDEX = (
    "CREATE UNIQUE INDEX IF NOT EXISTS uq_assessments_root_version "
    "ON assessments (coalesce(root_id, id), version)"
)


def downgrade():
    with op.batch_alter_table("assessments") as batch_op:
        batch_op.drop_column("outcomes_rmdq_none")
    op.execute(KEEP_VERSION_INDEX)
