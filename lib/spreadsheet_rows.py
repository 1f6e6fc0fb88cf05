"""The base of the admin's bulk import and export resources (django-import-export), and
the file formats they read and write."""

from typing import Any

from import_export import resources
from import_export.formats import base_formats

# Spreadsheet files as the library writes them.
XLSX = base_formats.XLSX


class CSV(base_formats.CSV):
    """CSV in UTF-8, as the response's Content-Type says.

    The file starts with a byte order mark: a spreadsheet program that opens it reads
    Cyrillic and accented names right instead of guessing a legacy encoding. The import
    reads UTF-8 with or without the mark.
    """

    CONTENT_TYPE = "text/csv; charset=utf-8"

    def export_data(self, dataset: Any, **kwargs: Any) -> str:
        return "\ufeff" + str(super().export_data(dataset, **kwargs))


class SpreadsheetResource(resources.ModelResource):
    """Reads an empty spreadsheet cell as an empty value.

    A CSV file gives "" for an empty cell, a spreadsheet gives None; text columns take
    only "", and every other column reads "" as empty too.
    """

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        for column, value in list(row.items()):
            if value is None:
                row[column] = ""
