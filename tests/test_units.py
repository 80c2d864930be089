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


def test_documents_are_dated_from_the_province_or_district_and_name_the_body_above(app, factory):
    from webapp.core.units import document_place, shown_parent
    province = factory.unit("UBND tỉnh Quảng Trị", kind="ubnd_tinh")
    so = factory.unit("Sở Y tế", kind="so_nganh", parent=province)
    district = factory.unit("UBND huyện Tuần Giáo", kind="ubnd_huyen", parent=province)
    board = factory.unit("Ban Chỉ đạo Đề án 06 huyện Tuần Giáo", kind="ban_chi_dao", parent=district)
    assert [document_place(u) for u in (province, so, district, board)] == [
        "Quảng Trị", "Quảng Trị", "Tuần Giáo", "Tuần Giáo"]
    # A People's Committee writes no body above its name; a Sở and a board write theirs.
    assert [shown_parent(u) for u in (province, so, district, board)] == [None, province, None, district]
