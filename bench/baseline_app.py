"""The baseline for bench/http.py: a bare Flask app rendering one small Jinja template (no
database, no session, no login), served exactly like the real app (gunicorn, 2 sync workers).

    gunicorn --chdir /work/main 'bench.baseline_app:app'
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template

app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "templates"))

ITEMS = [
    {
        "id": i,
        "first": first,
        "last": last,
        "dob": f"19{60 + i:02d}-0{1 + i % 9}-1{i % 10}",
        "ref": f"RR-{i:04d}",
    }
    for i, (first, last) in enumerate(
        [
            ("Jane", "Runner"),
            ("Tom", "Hill"),
            ("Priya", "Shah"),
            ("Marek", "Nowak"),
            ("Aoife", "Byrne"),
            ("Daniel", "Okafor"),
            ("Lena", "Müller"),
            ("Chris", "Evans"),
            ("Sofia", "Rossi"),
            ("Kwame", "Mensah"),
            ("Robin", "Ørsted"),
            ("Hannah", "Cole"),
        ],
        start=1,
    )
]


@app.route("/")
def index():
    return render_template("baseline.html", title="Patients", items=ITEMS)
