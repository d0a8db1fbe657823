"""The one table of figures: key, Vietnamese name, how it is computed, and its format.

The statistics screen, the CSV/XLSX exports, the PDF report and the command line's JSON all read
their figures from here (and a province server can read the same keys), so a figure is added
once. Names and explanations live in `kiosk_app.strings.staff.FIGURES`, keyed the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from kiosk_app.stats.figures import Counts, Summary
from kiosk_app.strings import staff as T

# Formats: count (a whole number), percent (a share 0..1), minutes (seconds, shown in minutes),
# share ((part, whole): "75 % (3 trên 4 lượt)"), score ((average 1..5, answers)), scans ((pages, PDFs)).
KINDS = ("count", "percent", "minutes", "share", "score", "scans")


@dataclass(frozen=True)
class Figure:
    key: str
    kind: str
    value: Callable[[Any], Any]  # of a Counts (per_group) or of the whole Summary
    per_group: bool = True

    @property
    def label(self) -> str:
        return T.FIGURES[self.key][0]

    @property
    def how(self) -> str:
        return T.FIGURES[self.key][1]

    def of(self, s: Summary) -> Any:
        return self.value(s.total if self.per_group else s)


def _counts(attr: str, kind: str = "count") -> Figure:
    return Figure(attr, kind, lambda c: getattr(c, attr))


FIGURES: dict[str, Figure] = {f.key: f for f in [
    _counts("self_filing_rate", "percent"),
    _counts("completion_rate", "percent"),
    _counts("sessions"),
    _counts("non_practice"),
    _counts("filed"),
    _counts("filed_alone"),
    _counts("filed_helped"),
    _counts("not_filed"),
    _counts("practice"),
    _counts("no_outcome"),
    _counts("stepped_in"),
    _counts("portal_submitted"),
    Figure("avg_duration", "minutes", lambda c: c.avg_duration_s),
    Figure("satisfied", "share", lambda s: (s.satisfaction.satisfied, s.satisfaction.answered), per_group=False),
    Figure("satisfaction", "score", lambda s: (s.satisfaction.average, s.satisfaction.answered), per_group=False),
    Figure("scans", "scans", lambda s: (s.scans.pages, s.scans.documents), per_group=False),
]}
assert all(f.kind in KINDS and f.key in T.FIGURES for f in FIGURES.values())

# What each view shows, in reading order.
OVERVIEW = ("self_filing_rate", "completion_rate", "sessions", "filed", "filed_alone", "filed_helped", "not_filed",
            "practice", "no_outcome", "portal_submitted", "avg_duration", "satisfied", "satisfaction", "scans")
REPORT_BOXES = ("sessions", "filed", "self_filing_rate", "completion_rate", "satisfied")
PERIOD_COLUMNS = ("sessions", "practice", "filed", "filed_alone", "filed_helped", "not_filed", "self_filing_rate",
                  "completion_rate", "avg_duration")
PROCEDURE_COLUMNS = ("non_practice", "filed", "filed_alone", "filed_helped", "not_filed", "no_outcome",
                     "self_filing_rate", "completion_rate")
assert all(FIGURES[k].per_group for k in PERIOD_COLUMNS + PROCEDURE_COLUMNS)


# ---------------------------------------------------------------- Vietnamese number format


def vn_number(value: float, decimals: int = 0) -> str:
    """1234.5 -> "1.234,5": Vietnamese groups thousands with a dot and writes a decimal comma."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def display(key: str, value: Any) -> str:
    """A figure's value as a person reads it (screen, PDF): "66,7 %", "5,5 phút", "—"."""
    kind = FIGURES[key].kind
    if kind == "count":
        return vn_number(value)
    if kind == "percent":
        return T.RATE_NONE if value is None else f"{vn_number(value * 100, 1)} %"
    if kind == "minutes":
        return T.RATE_NONE if value is None else T.MINUTES.format(minutes=vn_number(value / 60, 1))
    if kind == "share":
        part, whole = value
        if not whole:
            return T.RATE_NONE
        return T.SHARE.format(percent=vn_number(part * 100 / whole, 1), part=vn_number(part),
                              whole=vn_number(whole))
    if kind == "score":
        average, answers = value
        return T.RATE_NONE if not answers else T.SCORE.format(score=vn_number(average, 1), n=vn_number(answers))
    pages, documents = value
    return T.SCANS.format(pages=vn_number(pages), documents=vn_number(documents))


def cell(key: str, value: Any) -> Any:
    """A figure's value in a spreadsheet cell: a number where it is one (percent as 66.7), else text."""
    kind = FIGURES[key].kind
    if kind == "count":
        return value
    if kind == "percent":
        return "" if value is None else round(value * 100, 1)
    if kind == "minutes":
        return "" if value is None else round(value / 60, 1)
    return display(key, value)


def heading(key: str) -> str:
    """A column heading for exports: the name, with its unit."""
    unit = {"percent": " (%)", "minutes": " (phút)"}.get(FIGURES[key].kind, "")
    return FIGURES[key].label + unit


def row(keys: tuple[str, ...], c: Counts, shown: bool = False) -> list:
    """The values of a group's figures: cells for exports, or text for the screen (`shown`)."""
    fmt = display if shown else cell
    return [fmt(k, FIGURES[k].value(c)) for k in keys]


def chart_label(kind: str, key: str) -> str:
    """A chart's label for one bar: "01/12" for a day, "12/2026" for a month."""
    return f"{key[8:10]}/{key[5:7]}" if kind == "day" else f"{key[5:7]}/{key[:4]}"
