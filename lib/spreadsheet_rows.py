"""The base of the admin's bulk import and export resources (django-import-export)."""

from typing import Any

from import_export import resources


class SpreadsheetResource(resources.ModelResource):
    """Reads an empty spreadsheet cell as an empty value.

    A CSV file gives "" for an empty cell, a spreadsheet gives None; text columns take
    only "", and every other column reads "" as empty too.
    """

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        for column, value in list(row.items()):
            if value is None:
                row[column] = ""
