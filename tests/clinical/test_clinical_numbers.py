"""One number formatter (physio.clinical.format_number) for pages, charts, PDFs and the plan."""

from __future__ import annotations

from decimal import Decimal

import pytest

from physio.charts import progress_chart_svg
from physio.clinical import format_number
from physio.pdf.document import number as pdf_number
from physio.plan.rules import fmt as plan_fmt
from physio.views.helpers import template_filters


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (25, 1, "25"),
        (12.5, 1, "12.5"),
        (Decimal("0.80"), 1, "0.8"),
        (0.96, 1, "1"),  # rounds first: never "1.0"
        (12.25, 1, "12.2"),
        (-0.04, 1, "0"),  # never "-0"
        (-3.25, 2, "-3.25"),
        (14.6, 0, "15"),
        ("7.50", 1, "7.5"),
        (True, 1, "—"),  # a tick box is not a number
        (float("nan"), 1, "—"),
        (None, 1, "—"),
        ("", 1, "—"),
    ],
)
def test_format_number(value, places, shown):
    assert format_number(value, places) == shown


@pytest.mark.parametrize("value", [25, 12.5, 0.96, 12.25, -0.04, Decimal("7.50")])
def test_pages_pdfs_and_plan_sentences_write_numbers_alike(value):
    page = template_filters()["num"]
    assert page(value) == pdf_number(value) == plan_fmt(value) == format_number(value)


def test_each_place_keeps_its_own_blank_marker():
    assert template_filters()["num"](None) == "—"
    assert pdf_number(None) == "–"
    assert plan_fmt(None) == "?"


def test_signed_change_shows_plus_only_for_a_visible_rise():
    signed = template_filters()["signed_num"]
    assert [signed(v) for v in (2, 0.04, 0, -1.5, None)] == ["+2", "0", "0", "-1.5", "—"]


def test_chart_labels_use_the_same_formatter():
    from datetime import date

    svg = progress_chart_svg({"nprs_now": [(date(2026, 1, 5), 6.0), (date(2026, 2, 5), 2.96)]})
    assert ">6<" in svg and ">3<" in svg and ">6.0<" not in svg and ">3.0<" not in svg
