"""The unit tree."""
import pytest

from webapp.core.units import move_unit
from webapp.models import Unit


def test_a_unit_cannot_move_under_its_own_subtree(app, factory):
    parent = factory.unit("Cha")
    child = factory.unit("Con", parent=parent)
    with pytest.raises(ValueError):
        move_unit(parent, child, now=factory.now)
    assert Unit.get_by_id(parent.id).parent_id is None
