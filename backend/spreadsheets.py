"""Every cell we write to a spreadsheet is data, never a formula (OWASP, "CSV Injection").

A pupil named ``=HYPERLINK("http://…","Click")``, or a note starting ``+`` or ``@``, would
otherwise run when the SENCO opens the export. In CSV a text cell starting with one of
``FORMULA_START`` is written with a leading apostrophe, which spreadsheets read as "this
is text" and do not show; in XLSX each such cell is stored as a string, never a formula.
Numbers and dates are left alone: only text can carry a formula."""

import csv

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class CsvWriter:
    """``csv.writer`` whose rows are written as data only."""

    def __init__(self, out, **options):
        self.writer = csv.writer(out, **options)

    def writerow(self, row):
        return self.writer.writerow([text_cell(value) for value in row])


def append_as_data(sheet, row) -> None:
    """``sheet.append(row)`` (openpyxl), with any text that openpyxl would store as a
    formula stored as the text it is."""
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
