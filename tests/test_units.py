"""The unit tree."""
import pytest

from webapp.models import Unit
from webapp.units.queries import move_unit


def test_a_unit_cannot_move_under_its_own_subtree(app, factory):
    parent = factory.unit("Cha")
    child = factory.unit("Con", parent=parent)
    with pytest.raises(ValueError):
        move_unit(parent, child)
    assert Unit.get_by_id(parent.id).parent_id is None
