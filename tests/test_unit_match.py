"""Unit names as directives write them, matched to a unit tree (webapp.rules.unit_match). The tree
here is made up, so nothing passes by knowing the demo's units."""
import pytest

from webapp.models import UNIT_KINDS
from webapp.rules.unit_match import (
    EXACT,
    GROUP,
    KIND_WORDS,
    NEAR,
    NONE,
    Matcher,
    UnitRef,
    group_phrase,
    key_of,
)

TREE = [  # (id, name, kind, parent id)
    (1, "UBND tỉnh Hòa Bình Mới", "ubnd_tinh", None),
    (2, "Văn phòng UBND tỉnh Hòa Bình Mới", "van_phong", 1),
    (3, "Sở Lao động - Thương binh và Xã hội", "so_nganh", 1),
    (4, "Sở Y tế tỉnh Hòa Bình Mới", "so_nganh", 1),
    (7, "Sở Văn hóa, Thể thao và Du lịch", "so_nganh", 1),
    (8, "Sở Tài chính", "so_nganh", 1),
    (5, "Bưu điện tỉnh Hòa Bình Mới", "buu_dien", 1),
    (6, "Công an tỉnh Hòa Bình Mới", "cong_an", 1),
    (10, "UBND thành phố Sông Đà", "ubnd_huyen", 1),
    (11, "UBND huyện Mai Châu", "ubnd_huyen", 1),
    (12, "UBND thị xã Kỳ Sơn", "ubnd_huyen", 1),
    (20, "UBND xã Chiềng Châu", "ubnd_xa", 11),
    (21, "UBND thị trấn Mai Châu", "ubnd_xa", 11),
    (22, "UBND phường Tân Thịnh", "ubnd_xa", 10),
    (23, "Công an xã Chiềng Châu", "cong_an", 20),
    (24, "Tổ công tác Đề án 06 xã Chiềng Châu", "to_cong_tac", 20),
    (25, "Tổ công tác Đề án 06 thị trấn Mai Châu", "to_cong_tac", 21),
    (30, "Phòng Lao động - Thương binh và Xã hội huyện Mai Châu", "phong_huyen", 11),
    (31, "Phòng Lao động - Thương binh và Xã hội thành phố Sông Đà", "phong_huyen", 10),
    (32, "Công an huyện Mai Châu", "cong_an", 11),
    (33, "Ban Chỉ đạo Đề án 06 huyện Mai Châu", "ban_chi_dao", 11),
    (40, "Bưu điện huyện Mai Châu", "buu_dien", 5),
    (41, "Bưu điện thành phố Sông Đà", "buu_dien", 5),
    (50, "VNPT Hòa Bình Mới", "doanh_nghiep", 1),
    (51, "Viettel Hòa Bình Mới", "doanh_nghiep", 1),
    (52, "MobiFone Hòa Bình Mới", "doanh_nghiep", 1),
    # Another province, with names that clash with the first one's.
    (60, "UBND tỉnh Sơn Hạ", "ubnd_tinh", None),
    (61, "Sở Y tế tỉnh Sơn Hạ", "so_nganh", 60),
    (62, "UBND huyện Đồi Thông", "ubnd_huyen", 60),
    (63, "Phòng Lao động - Thương binh và Xã hội huyện Đồi Thông", "phong_huyen", 62),
]


def units():
    paths = {}
    out = []
    for uid, name, kind, parent in TREE:
        paths[uid] = f"{paths[parent] if parent else '/'}{uid}/"
        out.append(UnitRef(uid, name, kind, paths[uid]))
    return out


def matcher(issuer=None):
    return Matcher(units(), issuer)


def names(match):
    by_id = {u.id: u.name for u in units()}
    return [by_id[i] for i in match.unit_ids]


@pytest.mark.parametrize("written", [
    "Sở Lao động - Thương binh và Xã hội", "Sở Lao động - TB&XH", "Sở LĐTBXH", "sở lao động thương binh và xã hội",
    "Sở Lao động-TB&XH", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"])
def test_one_unit_under_its_usual_spellings_and_abbreviations(written):
    found = matcher(1).match(written)
    assert (found.status, names(found)) == (EXACT, ["Sở Lao động - Thương binh và Xã hội"])


def test_the_issuer_line_in_capitals_matches_its_unit():
    assert names(matcher().match("ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH MỚI")) == ["UBND tỉnh Hòa Bình Mới"]
    assert key_of("UBND thành phố Sông Đà") == key_of("TP. Sông Đà") == key_of("Thành phố  Sông Đà")


def test_a_short_name_is_the_unit_nearest_the_issuer_and_a_guess():
    found = matcher(1).match("Bưu điện tỉnh")
    assert (found.status, names(found)) == (NEAR, ["Bưu điện tỉnh Hòa Bình Mới"])
    # Seen from the district's steering committee, "Phòng Lao động …" is the district's own office;
    # the others are offered beside it, not ticked.
    found = matcher(33).match("Phòng Lao động - Thương binh và Xã hội")
    assert (found.status, names(found)) == (NEAR, ["Phòng Lao động - Thương binh và Xã hội huyện Mai Châu"])
    assert set(found.suggestions) == {31, 63}
    assert names(matcher(33).match("Công an huyện")) == ["Công an huyện Mai Châu"]


def test_a_short_name_with_no_nearest_unit_is_left_to_the_admin():
    found = matcher(None).match("Sở Y tế")  # two provinces, no issuer: either could be meant
    assert found.status == NONE and found.unit_ids == [] and set(found.suggestions) == {4, 61}


def test_a_name_that_matches_nothing_offers_the_closest_names():
    found = matcher(1).match("Sở Lao đông - Thương binh Xã hội")  # a slip: "đông", no "và"
    assert found.status == NONE and found.unit_ids == []
    assert 3 in found.suggestions
    assert matcher(1).match("Ban Quản lý dự án đầu tư xây dựng").suggestions == []


@pytest.mark.parametrize("written,issuer,expected", [
    ("UBND các huyện, thị xã, thành phố", 1, {10, 11, 12}),
    ("UBND các xã, phường, thị trấn", 11, {20, 21}),      # the district's own communes
    ("UBND các xã, phường, thị trấn", 1, {20, 21, 22}),   # the whole province's
    ("UBND các xã, thị trấn", 33, {20, 21}),
    ("Tổ Công tác Đề án 06 cấp xã", 33, {24, 25}),
    ("Tổ Công tác Đề án 06 các xã, thị trấn", 33, {24, 25}),
    ("Các sở, ban, ngành tỉnh", 1, {3, 4, 7, 8}),
    ("các sở, ban, ngành", 2, {3, 4, 7, 8}),
    # The departments named one by one, a name with a comma in it joined again.
    ("Các sở: Y tế, Tài chính, Văn hóa, Thể thao và Du lịch", 1, {4, 7, 8}),
    ("Giám đốc các sở: Tài chính, Lao động - Thương binh và Xã hội", 1, {3, 8}),
    ("Công an các xã, thị trấn", 11, {23}),
    ("Bưu điện cấp huyện", 5, {40, 41}),
    ("Các doanh nghiệp viễn thông trên địa bàn (VNPT, Viettel, Mobifone)", 33, {50, 51, 52}),
])
def test_a_group_phrase_is_the_matching_group_inside_the_issuers_area(written, issuer, expected):
    found = matcher(issuer).match(written)
    assert found.status == GROUP and set(found.unit_ids) == expected, (found, names(found))
    assert found.label.startswith(f"{len(expected)} đơn vị")


# A province of today's two tiers (since 1/7/2025): communes and wards straight under the province.
TWO_TIER = [
    (100, "UBND tỉnh Núi Xanh", "ubnd_tinh", None),
    (101, "Văn phòng UBND tỉnh Núi Xanh", "van_phong", 100),
    (102, "Sở Khoa học và Công nghệ", "so_nganh", 100),
    (103, "Sở Tư pháp", "so_nganh", 100),
    (104, "Bưu điện tỉnh Núi Xanh", "buu_dien", 100),
    (105, "Công an tỉnh Núi Xanh", "cong_an", 100),
    (110, "UBND phường Tân Phong", "ubnd_xa", 100),
    (111, "UBND phường Đoàn Kết", "ubnd_xa", 100),
    (112, "UBND xã Bình Lư", "ubnd_xa", 100),
    (113, "UBND đặc khu Đảo Ngọc", "ubnd_xa", 100),
    (120, "Công an xã Bình Lư", "cong_an", 112),
    (121, "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng", "don_vi_truc_thuoc", 102),
]


def two_tier_matcher(issuer):
    paths, refs = {}, []
    for uid, name, kind, parent in TWO_TIER:
        paths[uid] = f"{paths[parent] if parent else '/'}{uid}/"
        refs.append(UnitRef(uid, name, kind, paths[uid]))
    return Matcher(refs, issuer)


@pytest.mark.parametrize("written,issuer,expected", [
    ("UBND các xã, phường", 100, {110, 111, 112, 113}),
    ("Ủy ban nhân dân các xã, phường, đặc khu", 100, {110, 111, 112, 113}),
    ("UBND các phường, xã", 101, {110, 111, 112, 113}),   # the office writes for the province
    ("Các sở, ban, ngành", 100, {102, 103}),
    ("Công an các xã, phường", 100, {120}),
])
def test_group_phrases_on_a_province_without_districts(written, issuer, expected):
    found = two_tier_matcher(issuer).match(written)
    assert found.status == GROUP and set(found.unit_ids) == expected, (found, found.unit_ids)
    assert found.label == f"{len(expected)} đơn vị trong UBND tỉnh Núi Xanh" or written.startswith("Công an")


def test_no_district_phrase_matches_on_a_province_without_districts():
    found = two_tier_matcher(100).match("UBND các huyện, thị xã, thành phố")
    assert found.status == NONE and found.unit_ids == []


def test_a_group_label_names_the_unit_its_members_sit_in():
    assert matcher(1).match("UBND các huyện, thị xã, thành phố").label == "3 đơn vị trong UBND tỉnh Hòa Bình Mới"


@pytest.mark.parametrize("written", ["các cơ quan, đơn vị liên quan", "Trạm Y tế các xã, phường",
                                     "các tổ chức chính trị - xã hội tỉnh"])
def test_a_group_with_no_units_of_its_kind_is_left_to_the_admin(written):
    found = matcher(1).match(written)
    assert found.status == NONE and found.unit_ids == []


def test_group_phrases_read_their_head_levels_and_closing_words():
    assert group_phrase("Sở Y tế") is None
    assert group_phrase("UBND các huyện, thị xã, thành phố").kinds == ("ubnd_huyen",)
    assert group_phrase("các sở, ban, ngành tỉnh").kinds == ("so_nganh",)  # "tỉnh" closes the list
    assert group_phrase("Các doanh nghiệp viễn thông (VNPT, Viettel, Mobifone)").listed == ("VNPT", "Viettel",
                                                                                            "Mobifone")


def test_every_kind_named_is_a_unit_kind_of_the_model():
    named = {kind for kinds in KIND_WORDS.values() for kind in kinds}
    assert named <= set(UNIT_KINDS)


def test_odd_input_never_breaks_the_matcher():
    m = matcher(1)
    for written in ["", " ", "các", "cấp", "(", "()", "các ,,,", "UBND các", "x" * 5000, "Sở (a, b, c)", "\u202e"]:
        found = m.match(written)
        assert found.status in (EXACT, NEAR, GROUP, NONE)
    assert Matcher([], None).match("Sở Y tế").status == NONE
