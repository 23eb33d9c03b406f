"""Opening a workbook source: an .xlsx (read with python-calamine), a folder or .zip of CSV files, or one CSV.

Rows are streamed: a reader yields (row number as the user sees it, list of raw cells) and never holds a whole
sheet. File-level problems raise FileProblem with a Chinese message; located problems found while opening
(formula cells, merged header cells) are returned as errors so the report can list them all.
"""

import codecs
import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count, islice
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings

from .spec import IGNORED_SHEETS, SHEET_NAMES, Sheet
from .uploads import UploadRefused, check_zip


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class SheetSource:
    sheet: Sheet
    name: str  # as written in the file (sheet or file name)
    open_rows: object  # callable → iterator of (row number, cells); the first item is the header
    total: int = 0  # approximate number of data rows (for progress)
    errors: list = field(default_factory=list)  # located problems found while opening


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _sheet_for(name: str) -> Sheet | None:
    return SHEET_NAMES.get(name.strip()) or SHEET_NAMES.get(name.strip().lower())


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    limit = settings.IMPORT_MAX_FILE_BYTES
    if size > limit:
        raise FileProblem(
            f"文件过大（{size / 1024 / 1024:.0f} MB），上限为 {limit / 1024 / 1024:.0f} MB；请按学年或工作表拆分后分别导入。"
        )
    if size == 0:
        raise FileProblem("文件为空。")


def open_source(path, file_name: str | None = None) -> list[SheetSource]:
    """Recognise the source by its content (not only its name) and list its sheets in workbook order.

    file_name is the name the user gave the file (an upload is stored under a name of the storage's choosing):
    a single CSV is recognised by it. Every sheet is bounded to settings.IMPORT_MAX_ROWS_PER_SHEET rows.
    """
    path = Path(path)
    if not path.exists():
        raise FileProblem("找不到文件。")
    sources = _open(path, file_name or path.name)
    for source in sources:
        source.open_rows = _bounded_rows(source.open_rows, source.name)
    return sources


def _too_many_rows(sheet_name: str) -> FileProblem:
    limit = settings.IMPORT_MAX_ROWS_PER_SHEET
    return FileProblem(f"工作表「{sheet_name}」超过 {limit} 行的上限，无法导入；请拆分后分别导入。")


def _bounded_rows(open_rows, sheet_name: str):
    """The rows of one sheet, refused as soon as there are more than the limit (CSV sheets are only counted
    while streamed; a workbook's sheet was already checked on opening)."""

    def rows() -> Iterator[tuple[int, list]]:
        limit = settings.IMPORT_MAX_ROWS_PER_SHEET + 1  # the header row comes on top
        iterator = open_rows()
        yield from islice(iterator, limit)
        if next(iterator, None) is not None:
            raise _too_many_rows(sheet_name)

    return rows


def _open(path: Path, file_name: str) -> list[SheetSource]:
    if path.is_dir():
        return _csv_folder(path)
    _check_size(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
    display = Path(file_name).name
    suffix = Path(display).suffix.lower()
    if suffix == ".csv":
        sheet = _sheet_for(Path(display).stem)
        if sheet is None:
            raise FileProblem(
                f"无法识别的 CSV 文件名「{display}」：文件名应为工作表名称，例如 学校.csv 或 schools.csv。"
            )
        return [_csv_sheet(sheet, display, lambda: open(path, "rb"), path.stat().st_size)]
    if head.startswith(b"PK\x03\x04"):
        try:
            archive = check_zip(path, display)
            names = archive.namelist()
        except UploadRefused as refused:
            raise FileProblem(refused.message) from refused
        if "xl/workbook.xml" in names:
            return _xlsx(path, archive)
        return _csv_zip(path, archive)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _xlsx(path, None)  # legacy .xls: calamine reads it; formulas cannot be detected
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise FileProblem(
            "文件不是有效的 Excel 工作簿（可能是改了扩展名的其他文件），请在 Excel/WPS 中另存为 .xlsx。"
        )
    if suffix == ".zip":
        raise FileProblem("文件不是有效的 zip 压缩包。")
    raise FileProblem("无法识别的文件类型：请上传 .xlsx 工作簿，或由 CSV 文件组成的 .zip 压缩包。")


# ---------------------------------------------------------------------------------------------------- xlsx


def _xlsx(path: Path, archive: zipfile.ZipFile | None) -> list[SheetSource]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = workbook.sheet_names
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise FileProblem("文件已损坏或不是有效的 Excel 工作簿，无法打开。") from exc
    xml_paths = _sheet_xml_paths(archive) if archive is not None else {}
    sources: list[SheetSource] = []
    unknown: list[str] = []
    for name in names:
        sheet = _sheet_for(name)
        # Before calamine builds the sheet: it allocates every cell between the first and the last one, so a
        # few cells placed far apart would take gigabytes whatever the file's size.
        scan = _scan_sheet_xml(archive, xml_paths[name]) if name in xml_paths else None
        if scan is not None:
            _check_extent(name, scan)
        try:
            calamine_sheet = workbook.get_sheet_by_name(name)
        except Exception as exc:
            raise FileProblem(f"工作表「{name}」无法读取。") from exc
        empty = calamine_sheet.height <= 1 and not any(
            str(v).strip() for row in calamine_sheet.to_python() for v in row
        )
        if empty:
            continue
        if calamine_sheet.height - 1 > settings.IMPORT_MAX_ROWS_PER_SHEET:
            raise _too_many_rows(name)
        if sheet is None:
            if name.strip().lower() in IGNORED_SHEETS:
                continue
            unknown.append(name)
            continue
        source = SheetSource(sheet, name, None, total=max(0, calamine_sheet.height - 1))
        start_row, start_col = calamine_sheet.start or (0, 0)
        source.open_rows = _calamine_rows(path, name, start_row, start_col, calamine_sheet)
        for (r0, c0), (r1, c1) in calamine_sheet.merged_cell_ranges or []:
            if r0 <= start_row <= r1 and (r0 != r1 or c0 != c1):
                ref = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
                source.errors.append(
                    {
                        "row": r0 + 1,
                        "col": c0,
                        "value": ref,
                        "message": f"表头有合并单元格（{ref}），请取消合并，每列一个表头",
                    }
                )
        if scan is not None:
            source.errors.extend(scan.formulas)
        sources.append(source)
    if unknown:
        known = "、".join(s.zh for s in _all_sheets())
        raise FileProblem(f"无法识别的工作表：{'、'.join(unknown)}。工作表名称应为：{known}。")
    if not sources:
        raise FileProblem("工作簿中没有可导入的数据（没有找到标准模板的工作表，或工作表都是空的）。")
    return sources


def _all_sheets():
    from .spec import SHEETS

    return SHEETS


def _calamine_rows(path: Path, name: str, start_row: int, start_col: int, loaded=None):
    """Rows of one sheet. The sheet calamine already parsed while opening is used once (parsing a 200 000-row
    sheet takes seconds), then dropped so its memory goes; a second pass parses the file again."""
    kept = [loaded]

    def rows() -> Iterator[tuple[int, list]]:
        sheet = kept.pop() if kept and kept[0] is not None else None
        kept.clear()
        if sheet is None:
            from python_calamine import CalamineWorkbook

            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name)
        iterator = sheet.iter_rows()
        del sheet
        if start_col:
            prefix = [""] * start_col
            for index, cells in enumerate(iterator, start=start_row + 1):
                yield index, prefix + cells
        else:
            yield from enumerate(iterator, start=start_row + 1)

    return rows


_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _sheet_xml_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.findall("rel:Relationship", _NS)}
    paths = {}
    for sheet in workbook.iter(f"{{{_NS['m']}}}sheet"):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        if target:
            full = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            paths[sheet.get("name")] = full
    return paths


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?r="([A-Z]+)(\d+)"')


# Column ZZ is the 702nd: the widest standard sheet has a few dozen columns.
MAX_COLUMN_LETTERS = 2
_WIDE_CELL = re.compile(rb'\sr="([A-Z]{%d,})(\d+)"' % (MAX_COLUMN_LETTERS + 1))
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\s[^>]*?r="(\d+)"')
# What every wide cell reference contains, starting with a literal (which the regex engine scans for fast, where
# _WIDE_CELL tries its \s at every byte: 0.6 s against 0.09 s on a 90 MB teacher sheet); each hit is confirmed.
_WIDE_HINT = re.compile(rb'r="[A-Z]{%d}' % (MAX_COLUMN_LETTERS + 1))


def _find_wide_cell(buffer: bytes):
    """_WIDE_CELL.search(buffer), faster."""
    for hint in _WIDE_HINT.finditer(buffer):
        wide = _WIDE_CELL.match(buffer, hint.start() - 1) if hint.start() else None
        if wide:
            return wide
    return None


@dataclass
class SheetScan:
    formulas: list = field(default_factory=list)  # located errors, one per formula cell (at most `limit`)
    last_row: int = 0  # the highest row number (or the number of rows, when rows carry no number)
    wide_cell: str = ""  # a cell beyond column ZZ, if any


def _check_extent(name: str, scan: SheetScan) -> None:
    if scan.last_row - 1 > settings.IMPORT_MAX_ROWS_PER_SHEET:
        raise _too_many_rows(name)
    if scan.wide_cell:
        raise FileProblem(
            f"工作表「{name}」在 {scan.wide_cell} 有内容，超出了 ZZ 列；标准数据表没有这么多列，"
            "请删除多余的列后再导入。"
        )


def _scan_sheet_xml(archive: zipfile.ZipFile, member: str, limit: int = 500) -> SheetScan:
    """One streaming pass over the sheet XML (no DOM): cells holding formulas, the last row, a cell too far right."""
    scan = SheetScan()
    found = scan.formulas
    try:
        stream = archive.open(member)
    except KeyError:
        return scan
    tail = b""
    rows = 0
    with stream:
        while True:
            chunk = stream.read(1 << 20)
            if not chunk:
                break
            buffer = tail + chunk
            rows += chunk.count(b"<row ") + chunk.count(b"<row>")
            last = buffer.rfind(b"<row ")
            number = _ROW_NUMBER.match(buffer, last) if last >= 0 else None
            if number:
                scan.last_row = max(scan.last_row, int(number.group(1)))
            if not scan.wide_cell and (wide := _find_wide_cell(buffer)):
                scan.wide_cell = (wide.group(1) + wide.group(2)).decode()
            if len(found) >= limit:
                tail = buffer[-256:]
                continue
            # Every formula tag contains "<f" or ":f" (prefixed namespace); the common megabyte has neither,
            # and two substring searches are far cheaper than running the regex at every "<".
            candidates = _FORMULA.finditer(buffer) if b"<f" in buffer or b":f" in buffer else ()
            for match in candidates:
                cells = list(_CELL_REF.finditer(buffer, 0, match.start()))
                if not cells:
                    continue
                letters, row = cells[-1].group(1).decode(), int(cells[-1].group(2))
                ref = f"{letters}{row}"
                if found and found[-1]["value"] == ref:
                    continue
                found.append(
                    {
                        "row": row,
                        "col": _column_index(letters),
                        "value": ref,
                        "message": "单元格是公式，请复制后“选择性粘贴为数值”再导入",
                    }
                )
            # keep the open cell tag at the end so a formula split across chunks is still located
            cut = buffer.rfind(b"<c ")
            tail = buffer[cut:] if cut >= 0 and len(buffer) - cut < 65536 else b""
            if tail and _FORMULA.search(tail):
                tail = b""
    scan.last_row = max(scan.last_row, rows)
    return scan


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


# ---------------------------------------------------------------------------------------------------- CSV

_IGNORED_MEMBERS = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)", re.I)


def _zip_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    try:  # Chinese Windows writes names in GBK without the UTF-8 flag; zipfile decoded them as cp437
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _csv_zip(path: Path, archive: zipfile.ZipFile) -> list[SheetSource]:
    sources, unexpected = [], []
    total_size = 0
    for info in archive.infolist():
        name = _zip_name(info)
        if info.is_dir() or _IGNORED_MEMBERS.search(name):
            continue
        base = posixpath.basename(name)
        stem, _, ext = base.rpartition(".")
        sheet = _sheet_for(stem) if ext.lower() == "csv" else None
        if sheet is None:
            unexpected.append(name)
            continue
        total_size += info.file_size
        sources.append(_csv_sheet(sheet, base, lambda info=info: archive.open(info), info.file_size))
    if unexpected:
        raise FileProblem(
            f"压缩包中有无法识别的文件：{'、'.join(unexpected[:10])}。压缩包只能包含以工作表命名的 CSV 文件（如 学校.csv）。"
        )
    if not sources:
        raise FileProblem("压缩包中没有 CSV 文件。")
    if total_size > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise FileProblem("压缩包解压后过大，请拆分后分别导入。")
    return _in_sheet_order(sources)


def _csv_folder(path: Path) -> list[SheetSource]:
    sources, unexpected = [], []
    for entry in sorted(path.iterdir()):
        if entry.name.startswith(".") or entry.is_dir():
            continue
        sheet = _sheet_for(entry.stem) if entry.suffix.lower() == ".csv" else None
        if sheet is None:
            unexpected.append(entry.name)
            continue
        _check_size(entry)
        sources.append(
            _csv_sheet(sheet, entry.name, lambda entry=entry: open(entry, "rb"), entry.stat().st_size)
        )
    if unexpected:
        raise FileProblem(f"文件夹中有无法识别的文件：{'、'.join(unexpected[:10])}。")
    if not sources:
        raise FileProblem("文件夹中没有 CSV 文件。")
    return _in_sheet_order(sources)


def _in_sheet_order(sources: list[SheetSource]) -> list[SheetSource]:
    order = {s.key: i for i, s in enumerate(_all_sheets())}
    seen = {}
    for source in sources:
        if source.sheet.key in seen:
            raise FileProblem(
                f"工作表「{source.sheet.zh}」出现了两次（{seen[source.sheet.key]} 和 {source.name}）。"
            )
        seen[source.sheet.key] = source.name
    return sorted(sources, key=lambda s: order[s.sheet.key])


def detect_encoding(open_binary) -> str:
    """UTF-8 (with or without BOM) or GB18030 (a superset of GBK: 䶮 exists only there); anything else is refused."""
    return _decode(open_binary, keep=False)[0]


def _decode(open_binary, keep: bool) -> tuple[str, str | None]:
    """The encoding (as detect_encoding) and, when keep, the whole text its check decoded, so that a CSV file is
    decoded once, not once to check it and again to read it (GB18030 decodes at a few dozen MB/s)."""
    with open_binary() as fh:
        head = fh.read(4)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem("CSV 文件是 UTF-16 编码，请另存为“CSV UTF-8”或 GB18030 编码。")
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        parts: list[str] | None = [] if keep else None
        try:
            with open_binary() as fh:
                while chunk := fh.read(1 << 20):
                    if b"\x00" in chunk:
                        raise FileProblem("文件不是文本格式的 CSV（含有二进制内容）。")
                    text = decoder.decode(chunk)
                    if parts is not None:
                        parts.append(text)
                text = decoder.decode(b"", final=True)
            if parts is not None:
                parts.append(text)
                return encoding, "".join(parts)
            return encoding, None
        except UnicodeDecodeError:
            continue
    raise FileProblem("无法识别 CSV 文件的编码：请另存为 UTF-8 或 GB18030（GBK）编码。")


# A CSV file up to this size is read from the text its encoding check decoded (at most about twice its size in
# memory, briefly); a larger one is decoded again while streamed.
DECODE_ONCE_BYTES = 16 * 1024 * 1024


def _csv_sheet(sheet: Sheet, name: str, open_binary, size: int) -> SheetSource:
    source = SheetSource(sheet, name, None, total=max(1, size // 80))

    def rows() -> Iterator[tuple[int, list]]:
        encoding, decoded = _decode(open_binary, keep=size <= DECODE_ONCE_BYTES)
        with open_binary() as raw:
            if decoded is not None:
                text = io.StringIO(decoded, newline="")
                del decoded
            else:
                text = io.TextIOWrapper(raw, encoding=encoding, newline="")
            numbers = count(1)
            try:
                # zip in C, not a Python step per row; on a bad row the counter has passed its number
                yield from zip(numbers, csv.reader(text), strict=False)
            except csv.Error as exc:
                number = next(numbers) - 1
                raise FileProblem(f"CSV 文件「{name}」第 {number} 行格式错误（引号不匹配？）。") from exc

    source.open_rows = rows
    return source
