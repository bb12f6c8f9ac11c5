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


def _unfork_versions(bind) -> None:
    """Versions forked by simultaneous amendments (issue 11, finding 2) before the unique index:
    an unsigned duplicate moves to the next free version number; two signed duplicates can't
    be renumbered (the number is part of what was signed), so the upgrade stops naming them."""
    rows = bind.execute(
        sa.text(
            "SELECT id, coalesce(root_id, id) AS root, version, status FROM assessments "
            "ORDER BY coalesce(root_id, id), version, id"
        )
    ).all()
    seen: dict[tuple[int, int], str] = {}
    top: dict[int, int] = {}
    for row in rows:
        top[row.root] = max(top.get(row.root, 0), row.version)
    signed_forks = []
    for row in rows:
        key = (row.root, row.version)
        if key not in seen:
            seen[key] = row.status
            continue
        if row.status.lower() == "signed" and seen[key].lower() == "signed":
            signed_forks.append(row.id)
            continue
        top[row.root] += 1
        bind.execute(
            sa.text("UPDATE assessments SET version = :v WHERE id = :i"),
            {"v": top[row.root], "i": row.id},
        )
    if signed_forks:
        raise RuntimeError(
            "Signed assessments share a record and version number (forked by simultaneous "
            f"amendments): ids {signed_forks}. Decide which version stands, then upgrade again."
        )


def _distinct_clinic_names(bind) -> None:
    """Clinic names that differ only in case get a number, so lower(name) can be unique."""
    taken: set[str] = set()
    for clinic_id, name in bind.execute(sa.text("SELECT id, name FROM clinics ORDER BY id")):
        candidate, n = name, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{name} ({n})"
        taken.add(candidate.lower())
        if candidate != name:
            bind.execute(
                sa.text("UPDATE clinics SET name = :n WHERE id = :i"),
                {"n": candidate, "i": clinic_id},
            )


def upgrade():
    with op.batch_alter_table("assessments") as batch_op:
        batch_op.add_column(sa.Column("hash_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("signed_patient", sa.JSON(), nullable=True))
    bind = op.get_bind()
    _unfork_versions(bind)
    _distinct_clinic_names(bind)
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
