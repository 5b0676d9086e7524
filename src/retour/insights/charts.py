"""Charts drawn on the server: a small Vega-Lite spec and its rows in, SVG markup out (vl-convert).

The SVG goes inline in the page (no script, no request: it shows with JavaScript off and under the
strict Content-Security-Policy, prints, and can go in an email). Each chart is shown as a ``<figure>``:
its title as the caption, the SVG (named by the title for screen readers, its marks hidden from them) and
the same rows as a table beside it, which is what a screen reader reads.

vl-convert runs Vega in an embedded engine: no browser, no network (``allowed_base_urls=[]``: a spec can
only draw the rows given to it). Texts drawn in the SVG are escaped by Vega's SVG renderer.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import vl_convert
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

FieldType = Literal["nominal", "ordinal", "quantitative", "temporal"]
Mark = Literal["bar", "line", "area", "point"]

WIDTH = 560
HEIGHT = 240
# The palette of the back office (accessible contrast on white), one colour a series.
PALETTE = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#4a5568"]
_LOCALES = {"fr": "fr-FR", "en": "en-US"}
# vl-convert's engine is not shared between threads safely by every version: one conversion at a time.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Axis:
    field: str
    title: str | Promise
    type: FieldType = "nominal"
    # A d3 format for the axis labels: ".0%" for a ratio, ",.2f" for money, "" to let Vega choose.
    format: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart of rows: ``x`` against ``y``, one series per ``color`` value when given. ``title`` is not
    drawn: the page shows it as the chart's caption (a heading and the SVG's accessible name)."""

    title: str | Promise
    x: Axis
    y: Axis
    mark: Mark = "bar"
    color: Axis | None = None
    horizontal: bool = False  # bars along the x axis, categories down the y axis (long names)
    extra: Mapping[str, Any] = field(default_factory=dict)  # more Vega-Lite, merged into the spec

    def spec(self) -> dict[str, Any]:
        """The Vega-Lite spec without its data."""
        category, measure = (self.y, self.x) if self.horizontal else (self.x, self.y)
        encoding: dict[str, Any] = {
            ("y" if self.horizontal else "x"): _channel(category, sort=self.mark == "bar"),
            ("x" if self.horizontal else "y"): _channel(measure),
        }
        if self.color is not None:
            encoding["color"] = {
                **_channel(self.color),
                "scale": {"range": PALETTE},
                "legend": {"orient": "bottom", "title": str(self.color.title)},
            }
        mark: dict[str, Any] = {"type": self.mark, "tooltip": False}
        if self.mark == "line":
            mark["point"] = True
        else:
            mark["color"] = PALETTE[0] if self.color is None else None
        spec: dict[str, Any] = {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "width": WIDTH,
            "height": HEIGHT,
            "mark": {key: value for key, value in mark.items() if value is not None},
            "encoding": encoding,
            # No ARIA of Vega's own (English words on every mark): the figure's table is what is read.
            "config": {
                "aria": False,
                "font": "sans-serif",
                "view": {"stroke": None},
                "axis": {"labelLimit": 180},
            },
        }
        spec.update(self.extra)
        return spec


def _channel(axis: Axis, *, sort: bool = False) -> dict[str, Any]:
    channel: dict[str, Any] = {"field": axis.field, "type": axis.type, "title": str(axis.title)}
    if axis.format:
        channel["axis"] = {"format": axis.format}
    if sort and axis.type in ("nominal", "ordinal"):
        channel["sort"] = None  # keep the rows' order: they come sorted as the table shows them
    return channel


def plain(value: Any) -> Any:
    """A row's value as Vega reads it: decimals (money, ratios) as numbers, the rest as is."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return float(value)
    return value


_DECIMAL = re.compile(r"-?\d+\.\d+")


def to_svg(spec: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], *, language: str | None = None) -> str:
    """``spec`` drawn with ``rows`` as its data: SVG markup, numbers in the language's format."""
    full = dict(spec)
    full["data"] = {"values": [{key: plain(value) for key, value in row.items()} for row in rows]}
    locale: Any = _LOCALES.get((language or get_language() or "en")[:2], "en-US")
    with _LOCK:
        svg: str = vl_convert.vegalite_to_svg(
            full, allowed_base_urls=[], format_locale=locale, time_format_locale=locale
        )
    return svg


def svg_markup(chart: Chart, rows: Sequence[Mapping[str, Any]], *, label_id: str) -> SafeString:
    """The chart's SVG to put inline: sized by its box (it shrinks on a narrow screen), a single image
    for assistive technology, named by the element ``label_id`` (the figure's caption)."""
    svg = _VEGA_ARIA.sub("", to_svg(chart.spec(), rows))
    svg = _ROOT.sub(
        lambda match: (
            f'<svg{match.group(1)} role="img" aria-labelledby="{escape(label_id)}" focusable="false"'
            ' preserveAspectRatio="xMinYMin meet">'
        ),
        svg,
        count=1,
    )
    return mark_safe(svg)  # noqa: S308 -- Vega's SVG renderer escapes every text it draws


_ROOT = re.compile(r"<svg([^>]*?)>")
# What ARIA Vega still writes (the title's, a few groups'): English words; the figure's table is read.
_VEGA_ARIA = re.compile(r' (?:role="graphics-[a-z]+"|aria-(?:label|roledescription|hidden)="[^"]*")')
