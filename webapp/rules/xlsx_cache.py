"""Formulas that open with their numbers: openpyxl writes a formula with an empty cached value, so a
viewer that does not recalculate (LibreOffice by default, previews, phones) shows nothing. We know
every value, so we save it beside its formula."""
import io
import re
import zipfile

from openpyxl.utils import get_column_letter

_FORMULA_CELL = re.compile(rb'(<c r="([A-Z]{1,3}\d{1,7})"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(?:</v>)?')


class Cache:
    """The values of one sheet's formula cells, by cell reference."""

    def __init__(self):
        self.values: dict[str, float] = {}

    def formula(self, cell, formula: str, value) -> None:
        """Put `formula` ("=D10+E10") in the cell and remember the value it gives (None: no value)."""
        cell.value = formula
        if value is not None:
            self.values[f"{get_column_letter(cell.column)}{cell.row}"] = value


def save(workbook, caches: dict) -> bytes:
    """The workbook as .xlsx bytes, each formula cell of the sheets in `caches` ({sheet title: Cache})
    carrying its value. Excel still recalculates on opening (fullCalcOnLoad)."""
    workbook.calculation.fullCalcOnLoad = True
    raw = io.BytesIO()
    workbook.save(raw)
    paths = {f"xl/worksheets/sheet{index}.xml": caches[sheet.title].values
             for index, sheet in enumerate(workbook.worksheets, 1) if sheet.title in caches}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename in paths:
                data = _fill(data, paths[member.filename])
            target.writestr(member, data)
    return out.getvalue()


def _fill(xml: bytes, values: dict) -> bytes:
    def replace(match):
        value = values.get(match.group(2).decode("ascii"))
        if value is None:
            return match.group(0)
        return match.group(1) + match.group(3) + b"<v>" + _number(value).encode("ascii") + b"</v>"
    return _FORMULA_CELL.sub(replace, xml)


def _number(value) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)
