"""The crafted bad files of tests/corpus (rebuilt by tests/corpus/make_corpus.py), through the web
upload and the import function: each gets a clear Vietnamese error, in bounded time and memory,
and leaves every table exactly as it was."""
import io
import time
import tracemalloc
from pathlib import Path

import pytest

from tests.helpers import database_fingerprint
from tests.test_targets_import import qt_set
from webapp.core import targets as queries
from webapp.rules import appendix

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = {  # file -> words the error must contain
    "not-a-zip.xlsx": "không phải là tệp Excel",
    "xls-renamed.xlsx": ".xlsx",
    "empty-workbook.xlsx": "tiêu đề",
    "merged-data-cells.xlsx": "gộp",
    "formulas-instead-of-numbers.xlsx": "công thức",
    "ten-thousand-rows.xlsx": "2.000",
    "script-in-names.xlsx": "<script>",
    "zip-bomb.xlsx": "quá lớn",
}
# Guards against a hang or a blow-up, far above what a good file needs; not speed goals.
TIME_LIMIT_S, MEMORY_LIMIT_MB = 30, 150


def test_the_corpus_has_every_kind_of_bad_file():
    assert sorted(p.name for p in CORPUS.glob("*.xlsx")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_bad_file_is_refused_clearly_quickly_and_changes_nothing(demo, app, name):
    from datetime import datetime
    data = (CORPUS / name).read_bytes()
    before = database_fingerprint()
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(appendix.AppendixError) as refused:
        queries.import_appendix(qt_set(), data, 2024, datetime(2024, 5, 1))
    elapsed = time.perf_counter() - started
    peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    messages = " ".join(str(p) for p in refused.value.problems)
    assert EXPECTED[name].lower() in messages.lower(), messages[:500]
    assert elapsed < TIME_LIMIT_S and peak_mb < MEMORY_LIMIT_MB, (elapsed, peak_mb)
    assert database_fingerprint() == before


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_web_upload_shows_the_error_escaped_and_saves_nothing(demo, client_for, name):
    client = client_for("admin")
    before = database_fingerprint()
    response = client.post(f"/chi-tieu/bo/{qt_set().id}/nhap", content_type="multipart/form-data",
                           data={"year": "2024", "file": (io.BytesIO((CORPUS / name).read_bytes()), name)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Không có số liệu nào được lưu" in page
    assert "<script>alert" not in page  # names from the file are shown as text
    assert database_fingerprint() == before
