"""The PDFs the service exports: the patient's plan sheet and the GP letter.

- ``engine``: WeasyPrint, its data-only URL fetcher, fonts, warm-up and small HTML helpers;
- ``document``: :class:`PlanDocument` (what one export prints) and shared wording;
- ``plan_sheet``: the patient's handout; ``letter``: the referral letter;
- ``formats``: the export registry (``FORMATS``) the service, the CLI and the views share.

Names are loaded on first use (PEP 562), so ``physio.pdf.formats`` can be imported at app start
without importing WeasyPrint.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "PAGE_MARGINS_MM": "document",
    "PlanDocument": "document",
    "DataOnlyURLFetcher": "engine",
    "RefusedURL": "engine",
    "css_string": "engine",
    "font_config": "engine",
    "html_to_pdf": "engine",
    "lay_out": "engine",
    "warm_up": "engine",
    "write_pdf": "engine",
    "FORMATS": "formats",
    "OutputFormat": "formats",
    "UnknownFormat": "formats",
    "output_format": "formats",
    "render_referral_letter_pdf": "letter",
    "dose_words": "plan_sheet",
    "render_plan_html": "plan_sheet",
    "render_plan_pdf": "plan_sheet",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'physio.pdf' has no attribute {name!r}")
    return getattr(importlib.import_module(f"physio.pdf.{_WHERE[name]}"), name)
