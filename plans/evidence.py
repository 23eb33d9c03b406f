"""Evidence files of progress reports (佐证材料): the type is read from the content, never from the name.

Accepted: PDF; images (JPEG, PNG, GIF, WebP); Office documents (.docx/.xlsx/.pptx — zips, recognised by their
parts —, and the legacy .doc/.xls/.ppt — OLE files, named by the extension the user gave since their content
alone does not say which); zip archives (bounded like the workbook's uploads: member count, unpacked size and
compression ratio). Anything else — an executable renamed .pdf, a script — is refused. The size limit is
settings.EVIDENCE_MAX_FILE_BYTES. The stored name is random (plans.models.evidence_path) with the extension found
here; the user's name is kept only as text for the download's file name.
"""

import os
import unicodedata
import zipfile
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
MAGIC = {
    b"%PDF-": "pdf",
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}
OLE_EXTENSIONS = {"doc", "xls", "ppt"}
OFFICE_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}
MAX_ZIP_MEMBERS = 10_000
MAX_RATIO = 200
KINDS = ("pdf", "png", "jpg", "gif", "webp", "doc", "xls", "ppt", "docx", "xlsx", "pptx", "zip")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "zip": "application/zip",
}


class EvidenceRefused(Exception):
    pass


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def display_name(name: str) -> str:
    """The user's file name as text only: its last path part, without control characters, at most 200 chars."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    if not base:
        base = _("佐证材料")
    stem, ext = os.path.splitext(base)
    return stem[: 200 - len(ext)] + ext[:20]


def _zip_kind(fileobj: IO[bytes], name: str, size: int) -> str:
    try:
        archive = zipfile.ZipFile(fileobj)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise EvidenceRefused(_("文件「%(name)s」是损坏的压缩文件。") % {"name": name}) from exc
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_ZIP_MEMBERS or unpacked > settings.EVIDENCE_MAX_FILE_BYTES * MAX_RATIO:
        raise EvidenceRefused(_("文件「%(name)s」解压后过大，已拒绝。") % {"name": name})
    if size and unpacked / size > MAX_RATIO and unpacked > 1024 * 1024:
        raise EvidenceRefused(_("文件「%(name)s」的压缩比异常，已拒绝。") % {"name": name})
    names = {m.filename for m in members}
    for part, kind in OFFICE_PARTS.items():
        if part in names:
            return kind
    return "zip"


def check(fileobj: IO[bytes], name: str, size: int) -> str:
    """The kind (the stored extension) of an acceptable evidence file, or EvidenceRefused with a Chinese reason."""
    shown = display_name(name)
    limit = settings.EVIDENCE_MAX_FILE_BYTES
    if size > limit:
        raise EvidenceRefused(
            _("文件过大：「%(name)s」有 %(size)s，佐证材料上限为 %(limit)s。")
            % {"name": shown, "size": _mb(size), "limit": _mb(limit)}
        )
    if size == 0:
        raise EvidenceRefused(_("文件「%(name)s」为空。") % {"name": shown})
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return kind
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(OLE_MAGIC):
        ext = os.path.splitext(shown)[1].lower().lstrip(".")
        if ext in OLE_EXTENSIONS:
            return ext
    if head.startswith(ZIP_MAGIC):
        kind = _zip_kind(fileobj, shown, size)
        fileobj.seek(0)
        return kind
    raise EvidenceRefused(
        _(
            "文件「%(name)s」不是可接受的佐证材料：请上传 PDF、图片（JPEG/PNG/GIF/WebP）、Office 文档或 zip 压缩包"
            "（按文件内容判断，与扩展名无关）。"
        )
        % {"name": shown}
    )
