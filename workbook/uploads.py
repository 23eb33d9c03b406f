"""What an uploaded file is, judged by its bytes (never its name), and whether it may be opened at all.

Used at every door a file comes in by: the workbook upload page and the admin's import (in the request, before
the file is kept), and the reader (workbook.readers, for the worker and the command line). A zip (an
.xlsx is one) is bounded from its central directory before a single member is unpacked: a 1 MB workbook can
unpack to gigabytes of sheet XML, which is what took a worker to 8 GB.
"""

import codecs
import zipfile
from typing import IO

from django.conf import settings

ZIP = "zip"  # an .xlsx workbook or a .zip of CSV files
OLE = "ole"  # a legacy .xls workbook
TEXT = "text"  # a CSV file

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Members smaller than this may compress as well as they like (a sheet of blanks does): only big ones are bombs.
RATIO_CHECK_FROM_BYTES = 1024 * 1024


class UploadRefused(Exception):
    """The file may not be opened; the message (Chinese, naming the file) is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def sniff(head: bytes) -> str | None:
    """ZIP, OLE or TEXT from the first bytes (at least 8 KB for text), None for anything else."""
    if head.startswith(ZIP_MAGIC):
        return ZIP
    if head.startswith(OLE_MAGIC):
        return OLE
    if not head or b"\x00" in head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)("strict").decode(head, final=False)
            return TEXT
        except UnicodeDecodeError:
            continue
    return None


def check_zip(fileobj, name: str) -> zipfile.ZipFile:
    """Open the zip's directory and refuse it when its members would unpack past the limits.

    Reads only the central directory: the sum of the declared sizes, and the compression ratio of every
    member bigger than RATIO_CHECK_FROM_BYTES.
    """
    try:
        archive = zipfile.ZipFile(fileobj)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRefused(f"文件「{name}」已损坏，无法打开。") from exc
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    ratio_limit = settings.IMPORT_MAX_COMPRESSION_RATIO
    total = 0
    for member in members:
        total += member.file_size
        if total > limit:
            raise UploadRefused(
                f"文件「{name}」解压后超过 {_mb(limit)} 的上限，无法导入；请按学年或工作表拆分后分别导入。"
            )
        if member.file_size >= RATIO_CHECK_FROM_BYTES:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > ratio_limit:
                raise UploadRefused(
                    f"文件「{name}」中的「{member.filename}」压缩比异常（{ratio:.0f} 倍，上限 {ratio_limit} 倍），"
                    "不像正常的数据文件，无法导入。"
                )
    return archive


def check_upload(fileobj: IO[bytes], name: str, size: int, *, kinds=(ZIP, OLE, TEXT)) -> str:
    """The file's kind if it is one of `kinds`, within the size limit, and (a zip) within the unpacked bounds.

    Raises UploadRefused with a message naming the file. The file position is left at the start.
    """
    limit = settings.IMPORT_MAX_FILE_BYTES
    if size > limit:
        raise UploadRefused(
            f"文件过大：「{name}」有 {_mb(size)}，上限为 {_mb(limit)}；请按学年或工作表拆分后分别导入。"
        )
    if size == 0:
        raise UploadRefused(f"文件「{name}」为空。")
    fileobj.seek(0)
    head = fileobj.read(8192)
    fileobj.seek(0)
    kind = sniff(head)
    if kind not in kinds:
        wanted = {ZIP: ".xlsx 工作簿或 .zip 压缩包", OLE: ".xls 工作簿", TEXT: "CSV 文本文件"}
        expected = "、".join(wanted[k] for k in kinds)
        raise UploadRefused(f"文件「{name}」的内容不是{expected}（按文件内容判断，与扩展名无关）。")
    if kind == ZIP:
        check_zip(fileobj, name)
        fileobj.seek(0)
    return kind


EVIDENCE_MAGIC = {
    b"%PDF-": "PDF",
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
}


def check_evidence(fileobj: IO[bytes], name: str, size: int) -> None:
    """Evidence of a declaration (佐证材料): a PDF, a scan (PNG/JPEG) or an Office document (.docx/.xlsx are zips,
    bounded like workbooks; .doc/.xls are OLE), judged by content, within settings.EVIDENCE_MAX_FILE_BYTES."""
    limit = settings.EVIDENCE_MAX_FILE_BYTES
    if size > limit:
        raise UploadRefused(f"文件过大：「{name}」有 {_mb(size)}，佐证材料上限为 {_mb(limit)}。")
    if size == 0:
        raise UploadRefused(f"文件「{name}」为空。")
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    if any(head.startswith(magic) for magic in EVIDENCE_MAGIC) or head.startswith(OLE_MAGIC):
        return
    if head.startswith(ZIP_MAGIC):
        check_zip(fileobj, name)
        fileobj.seek(0)
        return
    raise UploadRefused(
        f"文件「{name}」不是可接受的佐证材料：请上传 PDF、JPEG/PNG 图片或 Word/Excel 文档（按文件内容判断）。"
    )
