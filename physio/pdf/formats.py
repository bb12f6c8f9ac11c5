"""The export registry: every output a plan can be exported as, in one place.

The export service (physio/services/plans.py), the ``render-plan`` CLI (through that service)
and the download views (physio/views/plans.py: one URL per format) all look a format up here, so
a new output is its own module plus one line in ``FORMATS``. Renderers are named, not imported:
this module stays cheap to import (the views need it at start, WeasyPrint takes a second to
import, and only the processes that render need it).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from physio.pdf.document import PlanDocument
    from physio.plan.model import TreatmentPlan


def _resolve(dotted: str) -> Callable:
    module, _, name = dotted.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class OutputFormat:
    """One kind of export."""

    #: stored in plan_exports.kind, posted by the Export buttons, and the file's URL name
    kind: str
    #: what the physio and the audit log call it ("Treatment plan")
    title: str
    #: "module:function" turning a PlanDocument into the file's bytes (inside an app context)
    renderer: str
    #: "module:function" saying why a plan cannot have this output (None: it can)
    refuser: str | None = None
    mimetype: str = "application/pdf"
    extension: str = "pdf"
    #: the download's file name
    filename: str = "{kind}-{assessment_id}-v{version}.{extension}"

    def render(self, document: PlanDocument) -> bytes:
        return _resolve(self.renderer)(document)

    def refusal(self, plan: TreatmentPlan) -> str | None:
        return _resolve(self.refuser)(plan) if self.refuser else None

    @property
    def endpoint(self) -> str:
        """The download view's endpoint in the plans blueprint ("plan_pdf")."""
        return f"{self.kind}_{self.extension}"

    def file_name(self, assessment_id: int, version: int) -> str:
        return self.filename.format(
            kind=self.kind, assessment_id=assessment_id, version=version, extension=self.extension
        )


FORMATS: dict[str, OutputFormat] = {
    output.kind: output
    for output in (
        OutputFormat("plan", "Treatment plan", "physio.pdf.plan_sheet:render_plan_pdf"),
        OutputFormat(
            "letter",
            "GP referral letter",
            "physio.pdf.letter:render_referral_letter_pdf",
            refuser="physio.pdf.letter:refusal",
            filename="referral-letter-{assessment_id}-v{version}.{extension}",
        ),
    )
}


class UnknownFormat(LookupError):
    """No output format of that kind."""


def output_format(kind: str) -> OutputFormat:
    try:
        return FORMATS[kind]
    except KeyError:
        raise UnknownFormat(f"There is no export of kind {kind!r}.") from None
