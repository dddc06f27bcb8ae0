"""The binary and Excel files of the bad-observations corpus, made by code rather than by hand.

The CSV files beside this script are committed as they are. The binary files (data renamed
to look like a CSV or Excel file) are committed too, and ``tests/store/test_bad_observation_files.py``
checks that they are what ``binary_files()`` makes. Excel files are not byte-for-byte
reproducible (openpyxl stamps the time into them), so the test makes them with
``excel_files()`` in a temporary folder; run ``python make_files.py --excel`` to write them
here to open them by hand.

Every name starts with the measure the file is imported against: ``count-`` for the C chart
measure reported as one value per period, ``fraction-`` for the P chart measure reported as a
numerator and a denominator.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def binary_files() -> dict[str, bytes]:
    """Files that are not text: each must be refused as not a CSV or Excel file."""
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        info = zipfile.ZipInfo("notes.txt", date_time=(2026, 1, 1, 0, 0, 0))
        archive.writestr(info, "not a spreadsheet")
    return {
        "count-binary-renamed.csv": bytes(range(256)) * 8,
        "count-image-renamed.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
        "count-pdf-renamed.csv": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 2,
        "count-old-excel.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
        "count-broken-zip.xlsx": b"PK\x03\x04" + b"\x01" * 200,
        "count-zip-renamed.csv": zipped.getvalue(),
    }


def _book(*sheets: tuple[str, list[list[object]]]) -> Any:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    return book


def _save(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def excel_files() -> dict[str, bytes]:
    """Excel files with what spreadsheets do to data: formulas, merged cells, several sheets."""
    jan, feb, mar = (dt.datetime(2026, m, 1) for m in (1, 2, 3))
    files = {}

    book = _book(("Data", [["period", "value"], [jan, "=1+2"], [feb, "=B2*2"]]))
    files["count-excel-formulas.xlsx"] = _save(book)

    book = _book(("Data", [["period", "value"], ["2026-01", 1], [None, 2], [mar, 3]]))
    book["Data"].merge_cells("A2:A3")
    files["count-excel-merged-cells.xlsx"] = _save(book)

    book = _book(
        ("2025", [["period", "value"], [dt.datetime(2025, 12, 1), 1]]),
        ("2026", [["period", "value"], [jan, 2], [feb, 3]]),
    )
    files["count-excel-several-sheets.xlsx"] = _save(book)

    book = _book(("Data", [["Period", "Value"], [jan, 1], [feb, "n/a"]]))
    files["count-excel-text-in-number.xlsx"] = _save(book)

    book = _book(("Data", [["when", "how many"], ["2026-01", 1]]))
    files["count-excel-wrong-columns.xlsx"] = _save(book)

    book = _book(("Data", [["period", "numerator", "denominator"], [jan, 2.5, 10]]))
    files["fraction-excel-fractional-numerator.xlsx"] = _save(book)

    book = _book(("Data", [["period", "value"], ["2026-01", 1], [dt.datetime(2026, 1, 31), 2]]))
    files["count-excel-duplicate-month.xlsx"] = _save(book)

    book = _book(("Data", [["period", "value"], ["01/02/2026", 1]]))
    files["count-excel-ambiguous-date.xlsx"] = _save(book)

    book = _book(("Data", []))
    files["count-excel-empty.xlsx"] = _save(book)

    book = _book(("Data", [["period", "numerator", "denominator"], [jan, 11, 10]]))
    files["fraction-excel-numerator-above-denominator.xlsx"] = _save(book)
    return files


def main(argv: list[str]) -> None:
    for name, content in binary_files().items():
        (HERE / name).write_bytes(content)
    if "--excel" in argv:
        for name, content in excel_files().items():
            (HERE / name).write_bytes(content)


if __name__ == "__main__":
    main(sys.argv[1:])
