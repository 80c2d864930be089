"""Evidence files: checked for size, extension and real content type, stored under generated names;
and the document a directive is read from, kept aside until the directive is saved."""
import os
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_NAME_LENGTH = 255  # Update.evidence_name, Occurrence.evidence_name
ALLOWED_EXTENSIONS = {"pdf", "docx", "xlsx", "jpg", "jpeg", "png"}


class UploadError(ValueError):
    """A file we refuse, with a message for the user."""


@dataclass
class StoredFile:
    stored_name: str
    original_name: str
    size: int


def _content_matches(ext: str, path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == "png":
        return head == b"\x89PNG\r\n\x1a\n"
    if ext in ("docx", "xlsx"):
        marker = "word/document.xml" if ext == "docx" else "xl/workbook.xml"
        try:
            with zipfile.ZipFile(path) as zf:
                return marker in zf.namelist()
        except zipfile.BadZipFile:
            return False
    return False


def display_name(filename: str) -> str:
    """The uploader's file name as we keep and show it: no folders; no control or format characters
    (a right-to-left override would show "hoso\u202efdp.exe" as "hosoexe.pdf"); at most
    MAX_NAME_LENGTH characters, shortened before the extension so that "….pdf" stays a .pdf."""
    name = unicodedata.normalize("NFC", os.path.basename(filename.replace("\\", "/")))
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf")).strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and len(ext) <= 10:
            name = stem[:MAX_NAME_LENGTH - len(ext) - 1].rstrip() + dot + ext
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def store_evidence(file_storage, upload_dir: str) -> StoredFile | None:
    """Save an uploaded evidence file, or raise UploadError; None when no file was chosen."""
    if file_storage is None or not file_storage.filename:
        return None
    original = display_name(file_storage.filename)
    ext = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    if ext not in ALLOWED_EXTENSIONS:
        raise UploadError("Chỉ nhận tệp PDF, DOCX, XLSX, JPG hoặc PNG.")
    directory = Path(upload_dir)
    directory.mkdir(parents=True, exist_ok=True)
    stored_name = uuid.uuid4().hex
    target = directory / stored_name
    size = 0
    with open(target, "wb") as out:
        while chunk := file_storage.stream.read(64 * 1024):
            size += len(chunk)
            if size > MAX_EVIDENCE_BYTES:
                out.close()
                target.unlink(missing_ok=True)
                raise UploadError("Tệp quá lớn: tối đa 10 MB.")
            out.write(chunk)
    if size == 0 or not _content_matches(ext, target):
        target.unlink(missing_ok=True)
        raise UploadError(f"Nội dung tệp không phải là tệp {ext.upper()} hợp lệ.")
    return StoredFile(stored_name, original, size)


def discard(upload_dir: str, stored: StoredFile | None) -> None:
    if stored:
        (Path(upload_dir) / stored.stored_name).unlink(missing_ok=True)


# --- The document a directive is read from: kept aside until the directive is saved -----------

PENDING_DIR = "pending"
PENDING_HOURS = 48  # a review left longer than this has lost its file
_PENDING_NAME = re.compile(r"^(\d{14})-[0-9a-f]{32}$")


def store_pending(data: bytes, filename: str, upload_dir: str, *, now: datetime) -> StoredFile:
    """Keep an uploaded directive (already read, so known to be a .docx, .pdf or .txt) aside until the
    admin saves the directive; files left longer than PENDING_HOURS are removed on the way."""
    directory = Path(upload_dir) / PENDING_DIR
    directory.mkdir(parents=True, exist_ok=True)
    _sweep_pending(directory, now)
    stored_name = f"{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex}"
    (directory / stored_name).write_bytes(data)
    return StoredFile(stored_name, display_name(filename), len(data))


def _sweep_pending(directory: Path, now: datetime) -> None:
    oldest = now - timedelta(hours=PENDING_HOURS)
    for path in directory.iterdir():
        m = _PENDING_NAME.match(path.name)
        if m and datetime.strptime(m[1], "%Y%m%d%H%M%S") < oldest:
            path.unlink(missing_ok=True)


def is_pending_name(stored_name: str) -> bool:
    return bool(_PENDING_NAME.match(stored_name or ""))


def claim_pending(stored_name: str, upload_dir: str) -> str:
    """Move a kept-aside file among the stored files; returns its stored name there. UploadError when
    it is gone (left too long) or the name is not one of ours."""
    source = Path(upload_dir) / PENDING_DIR / stored_name
    if not is_pending_name(stored_name) or not source.is_file():
        raise UploadError("Tệp văn bản tải lên đã quá hạn lưu tạm; hãy tải tệp lên lại.")
    final = uuid.uuid4().hex
    os.replace(source, Path(upload_dir) / final)
    return final


def unclaim(final_name: str, stored_name: str, upload_dir: str) -> None:
    """Put a claimed file back aside (the save it was claimed for was rolled back)."""
    source = Path(upload_dir) / final_name
    if source.is_file() and is_pending_name(stored_name):
        os.replace(source, Path(upload_dir) / PENDING_DIR / stored_name)
