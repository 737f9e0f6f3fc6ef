"""An uploaded CSV file, read carefully: its encoding and dialect worked out, its size and
kind checked, and what to tell the person when it cannot be read. (The pupil import from
the MIS and the staff import use it.)"""

import csv
import io
import re

MAX_BYTES = 5 * 1024 * 1024  # a school of 2,000 pupils exports well under 1 MB
MAX_ROWS = 5000
SIGNATURES = {b"PK\x03\x04": "an Excel workbook (.xlsx)",
              b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
              b"%PDF": "a PDF"}
# A leading =, +, -, @ (or tab or carriage return) makes a spreadsheet run a cell as a
# formula (OWASP "CSV injection"); a minus sign followed by a digit is only a number.
FORMULA = re.compile(r"^(?:[=+@\t\r]|-(?!\d))")


class FileRefused(Exception):
    """A file that cannot be read at all, with what to tell the person who sent it."""


def read_csv(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The headings and the (line number, cells) of each non-empty row; ``FileRefused``
    saying why for a file that cannot be read."""
    if not data.strip():
        raise FileRefused("The file is empty.")
    if len(data) > MAX_BYTES:
        raise FileRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Export "
                          "only the columns listed, or split it into smaller files.")
    for signature, kind in SIGNATURES.items():
        if data.startswith(signature):
            raise FileRefused(f"This file is {kind}, not a CSV file. In your MIS or "
                              "spreadsheet, save or export it as \"CSV UTF-8\".")
    text = decode(data)
    if "\x00" in text:
        raise FileRefused("This is not a text file. Export it as a CSV file.")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        lines = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise FileRefused(f"The file is not valid CSV ({error}). Export it again as "
                          "\"CSV UTF-8\".") from None
    lines = [(number, row) for number, row in lines if any(cell.strip() for cell in row)]
    if not lines:
        raise FileRefused("The file has no rows.")
    headings = [heading.strip() for heading in lines[0][1]]
    if len(lines) - 1 > MAX_ROWS:
        raise FileRefused(f"The file has more than {MAX_ROWS} rows. Split it into smaller "
                          "files.")
    return headings, lines[1:]


def decode(data: bytes) -> str:
    """UTF-8 (with or without the byte-order mark Excel writes), UTF-16 with its mark, or
    Windows-1252 (older exports); anything else is refused rather than guessed."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused("The file's characters could not be read. Export it again as "
                      "\"CSV UTF-8\".")




def looks_like_formula(cell: str) -> bool:
    return bool(FORMULA.match(cell))
