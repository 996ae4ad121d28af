"""The Vietnamese catalogue stays complete and honest, and pages speak Vietnamese first, English on request.

These are the only tests that read Vietnamese text on purpose: every other test runs in English.
"""

import os
import re
import shutil
import string
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings

PO_PATH = Path(django_settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"

# The same folders `make messages-update` ignores: not our code, or generated.
IGNORED_DIRS = {".venv", "staticfiles", "test-artifacts", "var"}
# Never part of the source tree that makemessages reads.
SKIPPED_DIRS = IGNORED_DIRS | {".git", "locale", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache"}
# makemessages' default extensions for the "django" domain.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}

# A %-directive as Python (and GNU gettext's python-format check) reads it; "%%" is a literal percent.
PERCENT_DIRECTIVE = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]"
)
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def _entries(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if entry.msgid and not entry.obsolete]


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _percent_placeholders(text: str) -> tuple[Counter, list[str]]:
    """Named placeholders (any order) and positional ones (in order), ignoring "%%"."""
    named: Counter = Counter()
    positional: list[str] = []
    for match in PERCENT_DIRECTIVE.finditer(text):
        directive = match.group(0)
        if directive == "%%":
            continue
        if match.group("name") is not None:
            named[directive] += 1
        else:
            positional.append(directive)
    return named, positional


def _brace_placeholders(text: str) -> Counter:
    return Counter(
        f"{{{field}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
        for _literal, field, spec, conversion in string.Formatter().parse(text)
        if field is not None
    )


def _label(entry: polib.POEntry) -> str:
    where = entry.occurrences[0] if entry.occurrences else ("?", "")
    return f"{entry.msgid!r} ({where[0]}:{where[1]})"


def test_catalogue_header_is_vietnamese_with_one_plural_form():
    po = _catalogue()
    assert not po.metadata_is_fuzzy, "the header of django.po is marked fuzzy"
    assert po.metadata.get("Language") == "vi"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"


def test_every_message_is_translated_and_reviewed():
    problems = []
    for entry in _entries(_catalogue()):
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy (review the translation, then remove the flag): {_label(entry)}")
        if any(not text.strip() for text in _translations(entry)):
            problems.append(f"untranslated: {_label(entry)}")
    assert not problems, f"{PO_PATH.name} needs work:\n" + "\n".join(problems)


def test_translations_keep_placeholders_and_html():
    problems = []
    for entry in _entries(_catalogue()):
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        for text in _translations(entry):
            if not text:
                continue  # reported by the test above
            # A plural's translation may use the singular's or the plural's placeholders.
            if "no-python-format" not in entry.flags and all(
                _percent_placeholders(text) != _percent_placeholders(source) for source in sources
            ):
                problems.append(f"%-placeholders differ: {_label(entry)} -> {text!r}")
            if "python-brace-format" in entry.flags and all(
                _brace_placeholders(text) != _brace_placeholders(source) for source in sources
            ):
                problems.append(f"{{}}-placeholders differ: {_label(entry)} -> {text!r}")
            if sorted(HTML_TAG.findall(text)) != sorted(HTML_TAG.findall(entry.msgid)):
                problems.append(f"HTML tags differ: {_label(entry)} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_placeholder_check_catches_a_mistranslated_placeholder():
    """The check above must not be vacuous: a renamed or dropped placeholder is a difference."""
    assert _percent_placeholders("Đã xử lý %(count)d đề nghị.") == _percent_placeholders("%(count)d requests decided.")
    assert _percent_placeholders("Đã xử lý %(so)d đề nghị.") != _percent_placeholders("%(count)d requests decided.")
    assert _percent_placeholders("Đã xử lý đề nghị.") != _percent_placeholders("%(count)d requests decided.")
    assert _percent_placeholders("100%% xong") == _percent_placeholders("100%% done")
    assert _brace_placeholders("Chào {name}") != _brace_placeholders("Hello {user}")


@pytest.fixture(scope="session")
def compiled_locale(tmp_path_factory) -> Path:
    """The committed django.po compiled the way compilemessages does it (msgfmt --check-format), into a tmp dir.

    Tests read this, never a .mo left in the work tree by an earlier `make`, so they judge the committed text.
    """
    if not shutil.which("msgfmt"):
        pytest.fail("GNU gettext (msgfmt) is not installed: apt-get install gettext", pytrace=False)
    locale_dir = tmp_path_factory.mktemp("locale")
    target = locale_dir / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(target / "django.mo"), str(PO_PATH)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr.strip(), f"msgfmt rejects django.po:\n{result.stderr}"
    return locale_dir


def test_catalogue_compiles_without_warnings(compiled_locale):
    assert (compiled_locale / "vi" / "LC_MESSAGES" / "django.mo").stat().st_size > 0


def _copy_sources(destination: Path) -> None:
    root = Path(django_settings.BASE_DIR)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [name for name in dirnames if name not in SKIPPED_DIRS]
        for filename in filenames:
            source = Path(dirpath) / filename
            if source.suffix in SOURCE_SUFFIXES:
                copy = destination / source.relative_to(root)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy)


def test_catalogue_has_every_message_of_the_code_and_templates(tmp_path):
    """makemessages over a copy of the source tree finds no msgid that the committed catalogue lacks."""
    _copy_sources(tmp_path)
    (tmp_path / "locale").mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    command = [sys.executable, "manage.py", "makemessages", "--locale=vi", "--verbosity=0"]
    command += [f"--ignore={name}" for name in sorted(IGNORED_DIRS)]
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"

    fresh = polib.pofile(str(tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    committed = {(entry.msgctxt, entry.msgid) for entry in _entries(_catalogue())}
    missing = [entry for entry in _entries(fresh) if (entry.msgctxt, entry.msgid) not in committed]
    assert not missing, (
        f"{len(missing)} message(s) in the code or templates are not in locale/vi/LC_MESSAGES/django.po.\n"
        "Run `make messages-update`, translate the new entries into Vietnamese (and clear any `#, fuzzy`), "
        "then commit django.po:\n" + "\n".join(f"  {_label(entry)}" for entry in missing)
    )


@pytest.fixture
def committed_translations(settings, compiled_locale):
    settings.LOCALE_PATHS = [compiled_locale]
    return settings


@pytest.mark.django_db
def test_portal_speaks_vietnamese_by_default_and_english_when_chosen(client, committed_translations):
    page = client.get("/portal/login/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="vi">' in html
    assert "<h1>Đăng nhập</h1>" in html
    assert "Hệ thống theo dõi nhiệm vụ ngoại giao kinh tế" in html

    chosen = client.post("/i18n/setlang/", {"language": "en", "next": "/portal/login/"}, follow=True)
    assert chosen.redirect_chain[-1][0] == "/portal/login/"
    html = chosen.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Sign in</h1>" in html
    assert "Economic diplomacy task tracker" in html
    assert "Đăng nhập" not in html


@pytest.mark.django_db
def test_admin_speaks_vietnamese_by_default_and_english_when_chosen(client, committed_translations):
    html = client.get("/admin/login/").content.decode()
    assert "Ban Chỉ đạo Ngoại giao kinh tế" in html

    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/login/"})
    html = client.get("/admin/login/").content.decode()
    assert "Economic Diplomacy Steering Committee" in html
    assert "Ban Chỉ đạo" not in html
