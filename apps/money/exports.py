"""The provision map as CSV, XLSX (openpyxl) and a printable PDF (WeasyPrint), and what
works and what it costs as CSV and XLSX. Spreadsheets
keep dates as dates and amounts as numbers (XLSX formats them as £1,234.56 and
19 January 2027); headings are words and staff types are spelled out; no cell is ever a
formula (backend/spreadsheets.py)."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from apps.plans.rules import StaffType
from backend.pdf import render_pdf
from backend.spreadsheets import CsvWriter, append_as_data

from .provision_map import ProvisionMap
from .what_works import WHAT_WORKS_CAVEAT, WhatWorks

POUNDS = '"£"#,##0.00'
DATE = "d mmmm yyyy"
SUMMARY_HEADINGS = ["", "Pupils", "Groups", "Staff hours a week", "Planned cost (£)",
                    "Delivered to date (£)", "Projected (£)"]
DETAIL_HEADINGS = ["Pupil", "UPN", "Year group", "Area of need (pupil)",
                   "Area of need (intervention)", "Intervention", "Staff", "Timetable",
                   "Staff hours a week while it runs", "Start", "End", "Planned cost (£)",
                   "Delivered to date (£)", "Projected (£)"]
MONEY_COLUMNS = {"summary": (5, 6, 7), "detail": (12, 13, 14)}
DATE_COLUMNS = (10, 11)


def _summary_rows(lines, title):
    yield [title, *SUMMARY_HEADINGS[1:]]
    for line in lines:
        yield [line.label, line.pupil_count, line.groups, line.hours, line.cost,
               line.delivered_cost, line.projected_cost]


def _detail_rows(map_: ProvisionMap):
    yield DETAIL_HEADINGS
    for item in map_.detail:
        yield [item.pupil, item.upn, item.year_group, item.need_area, item.intervention_area,
               item.intervention, StaffType(item.staff_type).label, item.timetable,
               round(float(item.weekly_hours), 2), item.start, item.end, item.planned,
               item.delivered, item.projected]


def _csv(rows) -> str:
    """Rows as CSV, every cell as data. Dates are written 2027-01-19, which every
    spreadsheet reads as a date."""
    out = io.StringIO()
    writer = CsvWriter(out)
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def as_csv(map_: ProvisionMap) -> str:
    """One row per pupil's provision: what a spreadsheet user filters and pivots."""
    return _csv(_detail_rows(map_))


def as_xlsx(map_: ProvisionMap) -> bytes:
    book = Workbook()
    sheets = [("By provision", _summary_rows(map_.by_provision, "Provision"), "summary"),
              ("By pupil", _summary_rows(map_.by_pupil, "Pupil"), "summary"),
              ("By area of need", _summary_rows(map_.by_need_area, "Area of need"), "summary"),
              ("By intervention's area", _summary_rows(map_.by_intervention_area,
                                                       "Intervention's area of need"),
               "summary"),
              ("By year group", _summary_rows(map_.by_year_group, "Year group"), "summary"),
              ("Detail", _detail_rows(map_), "detail")]
    book.remove(book.active)
    for title, rows, kind in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            append_as_data(sheet, row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for column in MONEY_COLUMNS[kind]:
                row[column - 1].number_format = POUNDS
            if kind == "detail":
                for column in DATE_COLUMNS:
                    row[column - 1].number_format = DATE
    totals = book.create_sheet("Totals", 0)
    totals.append(["Budget year from", map_.year.start])
    totals.append(["Budget year to", map_.year.end])
    totals.append(["Planned cost (£)", map_.total.cost])
    totals.append(["Delivered to date (£)", map_.total.delivered_cost])
    totals.append(["Projected (£)", map_.total.projected_cost])
    totals.append(["Notional SEN budget (£)", map_.budget])
    totals.append(["Budget left (£)", map_.budget_left])
    for row in totals.iter_rows():
        row[1].number_format = DATE if row[0].row <= 2 else POUNDS
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_pdf(map_: ProvisionMap, school) -> bytes:
    return render_pdf("money/provision_map_pdf.html", {"map": map_, "school": school})


WHAT_WORKS_HEADINGS = ["Intervention", "Pupils", "Sessions planned to date",
                       "Sessions delivered", "Delivered of planned (%)", "Outcomes rated",
                       "Outcomes achieved or exceeded", "Cost to date (£)",
                       "Cost per outcome achieved (£)", "Fewer than 5 pupils"]
WHAT_WORKS_MONEY = (8, 9)


def _what_works_rows(found: WhatWorks):
    yield WHAT_WORKS_HEADINGS
    for line in [*found.rows, found.total]:
        yield [line.name, line.pupil_count, line.planned, line.delivered_sessions,
               line.delivered_percent, line.rated, line.achieved, line.cost,
               line.cost_per_achieved, "Yes" if line.few else "No"]


def what_works_csv(found: WhatWorks) -> str:
    """``found``: a school's figures, or a trust's (caseload/trust.py), which read alike."""
    return _csv(_what_works_rows(found))


def what_works_xlsx(found: WhatWorks) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "What works"
    for row in _what_works_rows(found):
        append_as_data(sheet, row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for column in WHAT_WORKS_MONEY:
            row[column - 1].number_format = POUNDS
    about = book.create_sheet("About")
    for label, day in found.about():
        append_as_data(about, [label, day])
    for row in about.iter_rows():
        row[1].number_format = DATE
    for line in WHAT_WORKS_CAVEAT:
        about.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
