"""The provision map as CSV, XLSX (openpyxl) and a printable PDF (WeasyPrint)."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from backend.pdf import render_pdf

from .provision_map import ProvisionMap

SUMMARY_HEADINGS = ["", "Pupils", "Groups", "Staff hours a week", "Planned cost (£)",
                    "Delivered to date (£)"]
DETAIL_HEADINGS = ["Pupil", "UPN", "Year group", "Area of need", "Intervention",
                   "Staff type", "Timetable", "Staff hours a week", "Start", "End",
                   "Planned cost (£)", "Delivered to date (£)"]


def _summary_rows(lines, title):
    yield [title, *SUMMARY_HEADINGS[1:]]
    for line in lines:
        yield [line.label, line.pupil_count, line.groups, line.hours, line.cost,
               line.delivered_cost]


def _detail_rows(map_: ProvisionMap):
    yield DETAIL_HEADINGS
    for row in map_.detail:
        yield [row.pupil, row.upn, row.year_group, row.need_area, row.intervention,
               row.staff_type, row.timetable, row.weekly_hours, row.start, row.end,
               row.planned, row.delivered]


def as_csv(map_: ProvisionMap) -> str:
    """One row per pupil's provision: what a spreadsheet user filters and pivots."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _detail_rows(map_):
        writer.writerow(row)
    return out.getvalue()


def as_xlsx(map_: ProvisionMap) -> bytes:
    book = Workbook()
    sheets = [("By provision", _summary_rows(map_.by_provision, "Provision")),
              ("By pupil", _summary_rows(map_.by_pupil, "Pupil")),
              ("By area of need", _summary_rows(map_.by_need_area, "Area of need")),
              ("By year group", _summary_rows(map_.by_year_group, "Year group")),
              ("Detail", _detail_rows(map_))]
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    totals = book.create_sheet("Totals", 0)
    totals.append(["Budget year", f"{map_.year.start:%-d %B %Y} to {map_.year.end:%-d %B %Y}"])
    totals.append(["Planned cost (£)", map_.total.cost])
    totals.append(["Delivered to date (£)", map_.total.delivered_cost])
    totals.append(["Notional SEN budget (£)", map_.budget])
    totals.append(["Budget left (£)", map_.budget_left])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_pdf(map_: ProvisionMap, school) -> bytes:
    return render_pdf("money/provision_map_pdf.html", {"map": map_, "school": school})
