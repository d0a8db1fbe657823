"""The province's figures as CSV (one grouping) or XLSX (a sheet per grouping), with the kiosk's
headings and cell formats (kiosk_app.stats.definitions) and its safe writing (atomic, text kept text)."""

from __future__ import annotations

import csv
from pathlib import Path

from kiosk_app.province.figures import COLUMNS
from kiosk_app.stats import definitions as D
from kiosk_app.stats.export import atomic_file, csv_row
from kiosk_app.stats.figures import Counts
from kiosk_app.strings.province import GROUP_HEADINGS, SHEET_TITLES



def head(group: str) -> list[str]:
    return [GROUP_HEADINGS[group]] + [D.heading(k) for k in COLUMNS]


def rows(groups: list[tuple[str, Counts]]) -> list[list]:
    return [[key] + D.row(COLUMNS, c) for key, c in groups]


def write_csv(target: Path, group: str, groups: list[tuple[str, Counts]]) -> Path:
    """UTF-8 with a byte-order mark, so that Excel shows the Vietnamese letters."""
    target = Path(target)
    with atomic_file(target) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f)
            out.writerow(head(group))
            out.writerows(map(csv_row, rows(groups)))
    return target


def _text(ws, value: str):
    """A text cell that stays text (openpyxl would make "=..." a live formula)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def write_xlsx(target: Path, by_group: dict[str, list[tuple[str, Counts]]]) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    target = Path(target)
    with atomic_file(target) as tmp:
        wb = Workbook(write_only=True)
        for group, groups in by_group.items():
            ws = wb.create_sheet(SHEET_TITLES[group])
            ws.column_dimensions["A"].width = 30
            cells = []
            for text in head(group):
                cell = WriteOnlyCell(ws, value=text)
                cell.font = Font(bold=True)
                cells.append(cell)
            ws.append(cells)
            for r in rows(groups):
                ws.append([_text(ws, v) if isinstance(v, str) else v for v in r])
        wb.save(tmp)
    return target
