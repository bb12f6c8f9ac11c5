"""The posted field names are a contract (docs/assessment.md; the list is in tests/data so the
test runs from any checkout): the schema must declare exactly those, and the form must post them."""

from __future__ import annotations

from pathlib import Path

from physio.clinical.schema import field_names

CONTRACT = Path(__file__).parent / "data" / "fields.txt"


def contract_names() -> set[str]:
    lines = CONTRACT.read_text(encoding="utf-8").splitlines()
    return {line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")}


def test_schema_declares_exactly_the_contract_fields():
    assert set(field_names()) == contract_names()


def test_licensed_form_renders_every_contract_field(app, physio_client, make, physio):
    from physio.extensions import db
    from physio.models import Clinic

    with app.app_context():
        clinic = db.session.get(Clinic, physio.clinic_id)
        clinic.odi_enabled = clinic.sbst_enabled = True
        db.session.commit()
    patient = make.patient(physio)
    response = physio_client.post(
        f"/patients/{patient.id}/assessments/new", data={"kind": "initial"}
    )
    page = physio_client.get(response.headers["Location"]).get_data(as_text=True)
    missing = {n for n in contract_names() - {"kind"} if f'name="{n}"' not in page}
    assert missing == set()
