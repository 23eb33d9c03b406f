"""English is complete: every Chinese msgid the code and templates use has an English translation in the compiled
catalogue, none is left fuzzy, and a user who picks English sees English headings and navigation."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation.template import templatize

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
# the same folders `makemessages --ignore=.venv --ignore=var --ignore=tests --ignore=bench` leaves out
SKIP_DIRS = {".venv", "var", "tests", "bench", "node_modules", ".git", "junheng.egg-info"}
HAN = re.compile(r"[\u3400-\u9fff]")
GETTEXT_FUNCS = {
    "_": "gettext",
    "gettext": "gettext",
    "gettext_lazy": "gettext",
    "gettext_noop": "gettext",
    "pgettext": "pgettext",
    "pgettext_lazy": "pgettext",
    "ngettext": "ngettext",
    "ngettext_lazy": "ngettext",
    "npgettext": "npgettext",
    "npgettext_lazy": "npgettext",
}


def project_files(suffix):
    for path in Path(settings.BASE_DIR).rglob(f"*{suffix}"):
        if not SKIP_DIRS.intersection(path.relative_to(settings.BASE_DIR).parts):
            yield path


def message(kind, args):
    """(context, msgid, plural) of one gettext call, from its literal arguments."""
    if kind == "gettext":
        return (None, args[0], None)
    if kind == "pgettext":
        return (args[0], args[1], None)
    if kind == "ngettext":
        return (None, args[0], args[1])
    return (args[0], args[1], args[2])


def python_messages():
    for path in project_files(".py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            kind = GETTEXT_FUNCS.get(name)
            literals = []
            for arg in node.args:
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    break
                literals.append(arg.value)
            needed = {"gettext": 1, "pgettext": 2, "ngettext": 2, "npgettext": 3}.get(kind)
            if needed and len(literals) >= needed:
                yield f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}", message(kind, literals)


# templatize turns a template into Python-like source whose gettext calls carry literal arguments only
LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_CALL = re.compile(rf"\b(_|gettext|pgettext|ngettext|npgettext)\(((?:\s*{LITERAL}\s*,?)+)")


def template_messages():
    for path in project_files(".html"):
        for match in TEMPLATE_CALL.finditer(templatize(path.read_text(encoding="utf-8"), origin=str(path))):
            args = ast.literal_eval("(" + match.group(2).rstrip().rstrip(",") + ",)")
            kind = "gettext" if match.group(1) == "_" else match.group(1)  # _("…") as a filter argument
            yield str(path.relative_to(settings.BASE_DIR)), message(kind, args)


def used_messages():
    found = {}
    for where, msg in [*python_messages(), *template_messages()]:
        if HAN.search(msg[1]):
            found.setdefault(msg, where)
    return found


def po_entries():
    """(context, msgid, flags) of the live entries of the English .po (a small parser: polib is not installed)."""
    entries = []
    for block in (LOCALE_DIR / "django.po").read_text(encoding="utf-8").split("\n\n"):
        flags, fields, key = set(), {}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
            elif line:
                key, _, literal = line.partition(" ")
                fields[key] = ast.literal_eval(literal)
        if fields.get("msgid"):
            entries.append((fields.get("msgctxt"), fields["msgid"], flags))
    return entries


@pytest.fixture(scope="module")
def catalogue():
    with open(LOCALE_DIR / "django.mo", "rb") as mo:
        return gettext.GNUTranslations(mo)


def translated(catalogue, msg):
    context, msgid, plural = msg
    if plural is None:
        text = catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)
        return text if text != msgid else None
    text = catalogue.npgettext(context, msgid, plural, 2) if context else catalogue.ngettext(msgid, plural, 2)
    return text if text != plural else None


def test_the_scan_finds_the_messages_of_python_files_and_templates():
    """Guards the checks below: a scanner that found nothing would pass them vacuously."""
    used = used_messages()
    assert (None, "学校", None) in used  # model verbose_name, in python
    assert ("nav", "学校", None) in used  # nav label, in base.html
    assert (None, "已处理 %(done)s / %(total)s 行", None) in used  # a blocktranslate
    assert (None, "是,否", None) in used  # _("…") as a filter argument
    assert len(used) > 300


def test_every_chinese_message_in_code_and_templates_has_a_compiled_english_translation(catalogue):
    missing = [
        f"{where}: {msg[0] + ' | ' if msg[0] else ''}{msg[1]}"
        for msg, where in sorted(used_messages().items(), key=lambda item: item[1])
        if not translated(catalogue, msg)
    ]
    assert not missing, "run makemessages, translate and compilemessages:\n" + "\n".join(missing)


def test_no_translation_is_left_fuzzy():
    fuzzy = [msgid for _ctx, msgid, flags in po_entries() if "fuzzy" in flags]
    assert not fuzzy, "fuzzy entries are left out of the .mo, so they show Chinese: " + ", ".join(fuzzy)


def test_english_translations_contain_no_chinese(catalogue):
    chinese = [msg[1] for msg in used_messages() if (text := translated(catalogue, msg)) and HAN.search(text)]
    assert not chinese


def test_the_catalogue_gives_the_nav_its_own_plural_labels(catalogue):
    assert catalogue.pgettext("nav", "学校") == "Schools"
    assert catalogue.gettext("学校") == "School"


def choose_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


def test_a_clerk_who_chose_english_sees_english_dashboard_plans_and_imports(client, clerk, other_clerk):
    client.force_login(clerk)
    choose_english(client)

    dashboard = client.get("/indicators/").content.decode()
    assert "County quality balance · overview" in dashboard
    assert "县域义务教育优质均衡 · 总览" not in dashboard
    assert ">Schools</a>" in dashboard and ">Teachers</a>" in dashboard and ">Counties</a>" in dashboard

    plans = client.get("/plans/").content.decode()
    assert "<h1>Plans and targets</h1>" in plans
    assert "规划与目标" not in plans

    imports = client.get("/imports/").content.decode()
    assert "Import / export</h1>" in imports
    assert "Upload a data file" in imports
    assert "上传数据文件" not in imports


def test_the_outsider_keeps_chinese_when_someone_else_chose_english(client, clerk, other_clerk):
    """The choice is the user's (a cookie set by the switch), not the server's: another browser stays Chinese."""
    client.force_login(clerk)
    choose_english(client)

    from django.test import Client

    outsider = Client()
    outsider.force_login(other_clerk)
    page = outsider.get("/imports/").content.decode()
    assert "导入导出</h1>" in page
    assert ">学校</a>" in page
    assert "Import / export" not in page


def test_chinese_is_the_default_even_for_an_english_browser(client, official):
    client.force_login(official)
    page = client.get("/plans/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "<h1>规划与目标</h1>" in page
    assert ">学校</a>" in page
