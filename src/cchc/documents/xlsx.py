"""What every workbook the system writes does to a cell of text.

A string that opens with = + - @ (or a tab or carriage return) is a formula to Excel and
LibreOffice when it is stored as one: a task titled “=HYPERLINK(…)” would become a live
link (OWASP: CSV/formula injection). Such text is stored as text, marked with Excel's
quote prefix, which keeps the value exactly as written and tells the spreadsheet not to
read it as a formula even when the cell is edited."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell):
    """The openpyxl cell, its string value kept as text; returns the cell."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell
