"""The targets pages' forms read from the request: the split among the units below and a form of
figures. Numbers are typed as Vietnamese write them ("1.912", "12,5"); the rules are core's."""
from ..core.figures import RowInput
from ..rules.indicators import parse_number


def parse_split(form, units, fields, groups, decimals: dict):
    """{(unit id, indicator id, group id, part): value} and {input name: error}; blank is 0."""
    values, errors = {}, {}
    for unit in units:
        for group in groups:
            for field in fields:
                name = f"t-{unit.id}-{group.id}-{field.key}"
                value, error = parse_number(form.get(name), decimals.get(field.indicator.id, False))
                if error:
                    errors[name] = error
                values[(unit.id, field.indicator.id, group.id, field.part)] = None if error else (value or 0.0)
    return values, errors


def parse_entry(form, units, indicators, groups):
    """{unit id: RowInput} and {input name: error} from a figures form; a blank cell is None."""
    rows, errors = {}, {}
    for unit in units:
        values = {}
        for indicator in indicators:
            for group in groups:
                name = f"v-{unit.id}-{indicator.id}-{group.id}"
                value, error = parse_number(form.get(name), indicator.decimals)
                if error:
                    errors[name] = error
                values[(indicator.id, group.id)] = value
        rows[unit.id] = RowInput(values, (form.get(f"note-{unit.id}") or "")[:2000])
    return rows, errors
