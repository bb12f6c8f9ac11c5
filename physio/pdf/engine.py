"""WeasyPrint, set up once per process: the URL fetcher, the fonts, the warm-up, and the few
helpers every PDF template needs (an SVG as an embedded picture, a CSS string, a <style>).

Speed (docs/platform-notes.md): one :class:`FontConfiguration` per process, created lazily;
every picture is an SVG embedded as a ``data:`` URL (nothing is fetched; see :func:`svg_image`
for why not inline ``<svg>`` markup); plain CSS without ``hyphens: auto``, flex or CSS columns;
fixed-layout tables instead of floats. :func:`warm_up` renders a small document once, for a
worker to call at start.

Security: :class:`DataOnlyURLFetcher` refuses every URL except ``data:`` (no ``file:``, no
network), and user text is autoescaped by Jinja (HTML) or escaped by :func:`css_string` (the few
values the CSS prints in the page margins).
"""

from __future__ import annotations

import base64
import html as html_lib
import re
import threading
from typing import Any

from markupsafe import Markup
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

#: What every document is written as: PDF/UA-1 (ISO 14289-1), i.e. a tagged PDF with a structure
#: tree, /Lang from ``<html lang>``, /DisplayDocTitle, and /Alt on every figure (an ``<img>``'s
#: alt text). WeasyPrint 68+ supports it; tests/test_pdf_handout.py reads the tree back.
#: Page headers and footers (CSS margin boxes) stay outside the tree: WeasyPrint 70 leaves them
#: unlinked rather than marking them as artifacts (that is PDF 2.0 only there).
PDF_VARIANT: str | None = "pdf/ua-1"


class RefusedURL(ValueError):
    """A URL the PDF renderer will not fetch."""


class DataOnlyURLFetcher(URLFetcher):
    """Fetch ``data:`` URLs only: no ``file:`` (server files), no http(s) or ftp (network).

    Our templates embed everything (SVG as data: URLs); a refused URL is logged by WeasyPrint and
    the resource is left out, so a stray reference never reads the server's files or the network.
    """

    def __init__(self, **kwargs: Any):
        kwargs["allowed_protocols"] = ("data",)
        kwargs["allow_redirects"] = False
        super().__init__(**kwargs)

    def fetch(self, url: str, headers: Any = None):
        scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
        if scheme != "data":
            raise RefusedURL(f"The PDF renderer only embeds data: URLs, not {url[:80]!r}")
        return super().fetch(url, headers)


_font_config: FontConfiguration | None = None
_font_lock = threading.Lock()


def font_config() -> FontConfiguration:
    """The process's one FontConfiguration (created on first use, after any fork)."""
    global _font_config
    if _font_config is None:
        with _font_lock:
            if _font_config is None:
                _font_config = FontConfiguration()
    return _font_config


def html_to_pdf(html: str) -> bytes:
    """Lay out ``html`` (a str, with its CSS in a ``<style>`` element) and return the PDF bytes.

    The CSS goes inside the document rather than as a separate ``CSS`` stylesheet: WeasyPrint 70
    sizes inline ``<svg>`` only from the document's own styles (checked: with an external
    stylesheet ``svg { width: 30mm }`` is ignored and the SVG keeps its intrinsic width), and one
    parse of a few KB of CSS costs next to nothing.
    """
    return write_pdf(lay_out(html))


def lay_out(html: str):
    """WeasyPrint's first phase (styles, boxes, pages) as a ``weasyprint.Document``; its
    :func:`write_pdf` is the second (drawing, fonts, serialising). bench/pdf_bench.py times them
    apart."""
    return HTML(string=html, url_fetcher=DataOnlyURLFetcher()).render(font_config=font_config())


def write_pdf(document) -> bytes:
    """The second phase: the laid-out ``document`` as PDF bytes."""
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def style_element(css: str) -> Markup:
    """``css`` as the content of a ``<style>`` element (no ``</`` can end it early)."""
    return Markup(css.replace("</", "<\\/"))


_CSS_BAD = re.compile(r"[\x00-\x1f\x7f\\\"<>]")


def css_string(value: Any) -> str:
    """``value`` as a quoted CSS string (for ``content:`` in the page margins)."""
    text = "" if value is None else str(value)
    escaped = _CSS_BAD.sub(lambda m: f"\\{ord(m.group()):x} ", text)
    return f'"{escaped}"'


_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_DESC = re.compile(r"<desc>(.*?)</desc>", re.S)


def svg_image(svg: str, css_class: str = "", alt: str | None = None) -> Markup:
    """An SVG document embedded as ``<img src="data:image/svg+xml;base64,…">``.

    Embedded, not fetched: the data: URL is the only kind the fetcher allows. Measured with
    WeasyPrint 70, this is about twice as fast as the same SVG inline in the HTML: the pure-Python
    HTML tokenizer spends ~12 ms on each attribute-heavy inline drawing, while a data: URL is
    one attribute and its SVG is parsed by ElementTree. The alt text (the figure's /Alt in the
    tagged PDF) is ``alt``, else the SVG's <title> and <desc> (an exercise drawing's title names
    the exercise and side, its description the start and finish positions).
    """
    if alt is None:
        found = [_TITLE.search(svg), _DESC.search(svg)]
        alt = ". ".join(html_lib.unescape(m.group(1)).strip().rstrip(".") for m in found if m)
        alt = alt + "." if alt else ""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Markup('<img class="{}" alt="{}" src="data:image/svg+xml;base64,{}">').format(
        css_class, alt, Markup(data)
    )


def svg_data_url(svg: str) -> str:
    """An SVG as a base64 ``data:`` URL (for CSS, e.g. a page background)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


#: A one-page document with what the plan uses (regular, bold and italic text, a table, lists,
#: borders with rounded corners, an SVG image with text, page-margin boxes), so that a worker's
#: first patient does not pay for loading fonts and filling WeasyPrint's caches.
_WARM_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20" width="40" height="20">'
    '<line x1="0" y1="18" x2="40" y2="18" stroke="#6b7280" stroke-linecap="round"/>'
    '<polyline points="5,15 15,5 25,15" fill="none" stroke="#0f766e" stroke-width="2"/>'
    '<circle cx="30" cy="6" r="3" fill="#374151"/>'
    '<text x="2" y="8" font-size="5" font-weight="bold" fill="#0f766e">1</text></svg>'
)
_WARM_HTML = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>warm-up</title><style>'
    '@page { size: A4; margin: 20mm; @top-left { content: "Clinic"; width: 80mm } '
    '@bottom-right { content: "Page " counter(page) " of " counter(pages); width: 40mm } } '
    'html { font-family: "DejaVu Sans", sans-serif; font-size: 10pt } '
    "table { table-layout: fixed; width: 100%; border-collapse: collapse } "
    "td { border-bottom: 0.6pt solid #d0d5dd } "
    "div { border: 1pt solid #0f766e; border-radius: 3mm; background: #f0f9f8 }"
    "</style></head><body><h1>Warm-up</h1><div><p>Warm-up <b>bold</b> <i>italic</i> "
    "<small>small</small> ✓ – × ← ☐</p><ol><li>one</li></ol><ul><li>two</li></ul></div>"
    "<table><thead><tr><th>a</th><th>b</th></tr></thead><tr><td>a</td><td>✓</td></tr></table>"
    '<img alt="warm-up" src="data:image/svg+xml;base64,'
    + base64.b64encode(_WARM_SVG.encode()).decode()
    + '"></body></html>'
)


def warm_up() -> float:
    """Render a tiny document once (fonts, cascade, PDF writer); returns the seconds it took.

    Call it at worker start, so the first patient's PDF does not pay for the first render.
    """
    from time import perf_counter

    start = perf_counter()
    html_to_pdf(_WARM_HTML)
    return perf_counter() - start
