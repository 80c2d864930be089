"""Writes the crafted bad Phụ lục 01 files of this folder (run again to rebuild them):

    .venv/bin/python tests/corpus/make_corpus.py
"""
import io
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests.test_appendix import SEED_ROWS, seed_workbook  # noqa: E402

CORRECTED = [("Huyện ĐaKrông",) + row[1:] if row[0] == "Huyện ĐaKông" else row for row in SEED_ROWS]


def save(name, data: bytes):
    (HERE / name).write_bytes(data)


def workbook_bytes(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main():
    save("not-a-zip.xlsx", b"TT;Ten dia phuong;1;2;3\n1;Dong Ha;1912;96;191\n")
    save("xls-renamed.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    import openpyxl
    save("empty-workbook.xlsx", workbook_bytes(openpyxl.Workbook()))
    wb = seed_workbook(rows=CORRECTED)
    wb.active.merge_cells("C12:E12")
    save("merged-data-cells.xlsx", workbook_bytes(wb))
    wb = seed_workbook(rows=CORRECTED)
    wb.active["D10"] = "=96"
    wb.active["H11"] = "=SUM(D11:G11)"
    save("formulas-instead-of-numbers.xlsx", workbook_bytes(wb))
    many = [(f"Huyện Số {i}",) + CORRECTED[i % 9][1:] for i in range(10_000)]
    save("ten-thousand-rows.xlsx", workbook_bytes(seed_workbook(rows=many, total=None)))
    rows = list(CORRECTED)
    rows[2] = ("<script>alert('x')</script><b>Gio Linh</b>",) + rows[2][1:]
    save("script-in-names.xlsx", workbook_bytes(seed_workbook(rows=rows)))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(200):  # 200 MB of zeros, about 200 KB compressed
                member.write(chunk)
    save("zip-bomb.xlsx", bomb.getvalue())


if __name__ == "__main__":
    main()
