"""Storyboards and reports as standalone HTML files that work offline and print to A3 and A4.

    from kit.reports import write_reports
    write_reports(store, "reports/", progress=lambda done, total, label: ...)

``kit/reports/templates`` holds the Jinja2 templates (autoescaped); ``render.py`` embeds
BokehJS inline. ``data.py`` reads a collaborative through the store's public API.
"""

from kit.reports.data import load_records
from kit.reports.write import SUMMARY_FILE, storyboard_file, write_records, write_reports

__all__ = ["SUMMARY_FILE", "load_records", "storyboard_file", "write_records", "write_reports"]
