"""Both languages: the catalogue is complete and compiled, and pages follow the chosen language."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.services import need

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def _translated(entry) -> bool:
    if "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return all(entry.msgstr_plural.values()) and bool(entry.msgstr_plural)
    return bool(entry.msgstr)


def test_every_marked_string_has_a_chinese_translation(tmp_path, monkeypatch):
    need(shutil.which("xgettext") is not None, "GNU gettext (xgettext) is not installed")
    # Extract from a mirror of the source tree, so the committed catalogue is left untouched.
    source = tmp_path / "src"
    source.mkdir()
    skip = {"locale", ".venv", "var", "tests", "bench", ".git", "node_modules", "static"}
    for entry in Path(settings.BASE_DIR).iterdir():
        if entry.name not in skip:
            (source / entry.name).symlink_to(entry)
    output = source / "extracted"
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[output]):
        call_command("makemessages", locale=["zh_Hans"], symlinks=True, verbosity=0)
    fresh = polib.pofile(str(output / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert len(fresh) > 100  # the extraction really found the project's strings
    committed = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(CATALOGUE / "django.po"))}
    untranslated = sorted(
        e.msgid
        for e in fresh
        if (e.msgctxt, e.msgid) not in committed or not _translated(committed[(e.msgctxt, e.msgid)])
    )
    assert not untranslated, "Strings without a Chinese translation (run `make messages`):\n" + "\n".join(
        untranslated
    )


def test_compiled_catalogue_matches_the_source_catalogue():
    # Keyed by context too: "Next" (a page) and "Next" (a period) are different messages.
    source = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(CATALOGUE / "django.po")) if _translated(e)}
    compiled = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(CATALOGUE / "django.mo"))}
    stale = sorted(
        key[1]
        for key in source
        if key not in compiled or compiled[key].msgstr != source[key].msgstr and not source[key].msgid_plural
    )
    assert not stale, "django.mo is out of date (run `make messages`): " + ", ".join(stale[:10])


@pytest.mark.django_db
def test_browser_language_chooses_chinese(staff_client):
    response = staff_client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    page = response.content.decode()
    assert "能源与排放" in page
    assert "退出登录" in page
    assert '<html lang="zh-hans">' in page


@pytest.mark.django_db
def test_language_selector_switches_and_remembers(staff_client):
    response = staff_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert "能源与排放" in staff_client.get("/").content.decode()
    staff_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Energy and emissions" in staff_client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()


@pytest.mark.django_db
def test_dates_and_numbers_follow_the_language(staff_client, site):
    from tests.factories import ProductionRecordFactory

    ProductionRecordFactory(site=site, tonnes="12345.500", material="Black mass")
    english = staff_client.get("/sites/production/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "12,345.500" in english
    chinese_home = staff_client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "年" in chinese_home
    assert "月" in chinese_home


def test_the_catalogue_keeps_to_the_glossary():
    """docs/glossary.md: one Chinese term per concept."""
    entries = [e for e in polib.pofile(str(CATALOGUE / "django.po")) if not e.obsolete]
    texts = [(e.msgid, s) for e in entries for s in [e.msgstr, *e.msgstr_plural.values()] if s]
    assert [m for m, s in texts if "表计" in s] == []  # meter is 计量表
    by_key = {(e.msgctxt, e.msgid): e.msgstr for e in entries}
    assert by_key[("thing", "Name")] == "名称"
    assert by_key[(None, "Green factory")] != by_key[(None, "Green Factory")]  # no "绿色工厂 · 绿色工厂"
    assert not any(e.msgid.endswith(" spikes") or "}} spikes" in e.msgid for e in entries)
