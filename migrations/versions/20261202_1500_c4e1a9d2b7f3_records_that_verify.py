"""records that verify: hash version and signed patient facts, one row per (record, version),
clinic names unique ignoring case, keyed audit entries

Signed assessments from before this migration keep hash version 1 (NULL): `records verify`
recomputes them in that form. Audit entries from before it stay unkeyed (scheme NULL), allowed
only before the first keyed one (physio/services/audit.py).

Revision ID: c4e1a9d2b7f3
Revises: 0f9b753f6ab4
Create Date: 2026-12-02 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c4e1a9d2b7f3"
down_revision = "0f9b753f6ab4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessments") as batch_op:
        batch_op.add_column(sa.Column("hash_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("signed_patient", sa.JSON(), nullable=True))
    op.create_index(
        "uq_assessments_root_version",
        "assessments",
        [sa.text("coalesce(root_id, id)"), "version"],
        unique=True,
    )
    op.create_index("uq_clinics_name_lower", "clinics", [sa.text("lower(name)")], unique=True)
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.add_column(sa.Column("scheme", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_column("scheme")
    op.drop_index("uq_clinics_name_lower", table_name="clinics")
    op.drop_index("uq_assessments_root_version", table_name="assessments")
    with op.batch_alter_table("assessments") as batch_op:
        batch_op.drop_column("signed_patient")
        batch_op.drop_column("hash_version")
