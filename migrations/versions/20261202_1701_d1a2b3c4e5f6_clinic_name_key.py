"""clinic name key: clinic names unique by how they look, not only ignoring case

Revision ID: d1a2b3c4e5f6
Revises: d2a7f3c9e1b4
Create Date: 2026-12-02 17:00:00

"""

import sqlalchemy as sa
from alembic import op

from physio.names import clinic_name_key

# revision identifiers, used by Alembic.
revision = "d1a2b3c4e5f6"
down_revision = "d2a7f3c9e1b4"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch mode: SQLite's would drop the lower(name) index).
    op.add_column("clinics", sa.Column("name_key", sa.String(length=200), nullable=True))
    conn = op.get_bind()
    clinics = sa.table(
        "clinics", sa.column("id", sa.Integer), sa.column("name"), sa.column("name_key")
    )
    taken: set[str] = set()
    for clinic_id, name in conn.execute(
        sa.select(clinics.c.id, clinics.c.name).order_by(clinics.c.id)
    ).all():
        key = clinic_name_key(name)
        if key in taken:  # a look-alike of an older clinic: it keeps its name, told apart
            name = f"{name} ({clinic_id})"
            key = clinic_name_key(name)
        taken.add(key)
        conn.execute(
            clinics.update().where(clinics.c.id == clinic_id).values(name=name, name_key=key)
        )
    op.create_index("uq_clinics_name_key", "clinics", ["name_key"], unique=True)


def downgrade():
    op.drop_index("uq_clinics_name_key", table_name="clinics")
    with op.batch_alter_table("clinics", schema=None) as batch_op:
        batch_op.drop_column("name_key")
    # SQLite's batch mode rebuilds the table without the expression index: put it back.
    op.execute("CREATE UNIQUE INDEX IF NOT EXISTS uq_clinics_name_lower ON clinics (lower(name))")
