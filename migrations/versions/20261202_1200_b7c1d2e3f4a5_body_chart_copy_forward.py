"""body chart, review copy-forward marks, sections not assessed

Revision ID: b7c1d2e3f4a5
Revises: 3a52228f73a8
Create Date: 2026-12-02 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7c1d2e3f4a5"
down_revision = "3a52228f73a8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pain_body_chart", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("copy_forward", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("not_assessed", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("not_assessed")
        batch_op.drop_column("copy_forward")
        batch_op.drop_column("pain_body_chart")
