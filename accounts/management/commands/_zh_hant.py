"""Traditional Chinese catalogues, generated from the Simplified ones (never edited by hand).

Conversion: OpenCC's ``s2twp`` (Simplified → Traditional, Taiwan standard characters *and* Taiwan
phrases). ``s2hk`` converts characters only, so a Hong Kong or Taiwan reader would still meet
mainland computing words (打印, 信息, 默认, 搜索, 登录, 服务器); ``s2twp`` turns them into the words
a Taiwan service counter uses (列印, 資訊, 預設, 搜尋, 登入, 伺服器) and Hong Kong readers
understand them too. Where Taiwan's *computing* vocabulary is the wrong register for a public
service desk, ``OVERRIDES`` puts the everyday or administrative word back (reviewed against every
msgstr of the project; see ``tests/test_zh_hant.py`` for the glossary that pins them).

``hant_entries(hans)`` gives, for each entry of a zh_Hans catalogue, the zh_Hant translation the
generator writes; ``compilemessages_py --check`` compares the zh_Hant file against it, so an entry
missing or stale in zh_Hant fails the check.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polib

CONFIG = "s2twp"

# After s2twp, in this order (longer phrases first). Each line says what s2twp wrote and why the
# desk's word is better.
OVERRIDES: tuple[tuple[str, str], ...] = (
    ("稽核", "審核"),  # 审核 = reviewing an answer; 稽核 is an inspection or audit in Taiwan
    ("物件型別", "對象類型"),  # the audit trail's "object type": 物件/型別 are programming words
    ("型別", "類型"),  # 类型 (kind of reward, of object): 型別 is a programming "type"
    ("程式碼", "代碼"),  # a department's or category's code, not source code
    ("物件", "對象"),  # what an audit event is about
    ("儲存期限", "保存期限"),  # retention period (records law): 保存, as Taiwan's archives act says
    ("賬", "帳"),  # 帳號, 帳戶: Taiwan's standard form
    ("郵箱", "信箱"),  # 電子信箱, 監督信箱
    ("反饋", "回覆"),  # giving the visitor the result: 回覆 in Taiwan; 反饋 reads as mainland
    ("當前", "目前"),  # "the current time/status": 目前 in Taiwan
    ("訪問", "存取"),  # access to personal data or a page: 存取; 訪問 is a visit or interview
    ("“", "「"),  # Taiwan and Hong Kong quote with corner brackets
    ("”", "」"),
    ("‘", "『"),  # noqa: RUF001 - the curly quotes are what is replaced
    ("’", "』"),  # noqa: RUF001
)


@cache
def _converter():
    import opencc

    return opencc.OpenCC(CONFIG)


def to_hant(text: str) -> str:
    if not text:
        return text
    converted = _converter().convert(text)
    for simplified_word, desk_word in OVERRIDES:
        converted = converted.replace(simplified_word, desk_word)
    return converted


def hant_path(hans_path: Path) -> Path:
    parts = list(hans_path.parts)
    parts[parts.index("zh_Hans")] = "zh_Hant"
    return Path(*parts)


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def hant_entries(hans: polib.POFile) -> dict[tuple[str | None, str], polib.POEntry]:
    """The zh_Hant entry for each translated entry of the Simplified catalogue."""
    entries = {}
    for entry in hans:
        if entry.obsolete:
            continue
        hant = polib.POEntry(
            msgid=entry.msgid,
            msgctxt=entry.msgctxt,
            msgid_plural=entry.msgid_plural,
            msgstr=to_hant(entry.msgstr),
            msgstr_plural={k: to_hant(v) for k, v in entry.msgstr_plural.items()},
            occurrences=entry.occurrences,
            flags=[f for f in entry.flags if f != "fuzzy"] if entry.translated() else entry.flags,
            comment=entry.comment,
        )
        entries[_key(entry)] = hant
    return entries


def write_hant(hans_path: Path) -> Path:
    """Write the zh_Hant catalogue next to the zh_Hans one (whole file, every time)."""
    hans = polib.pofile(str(hans_path))
    hant = polib.POFile(wrapwidth=hans.wrapwidth)
    hant.metadata = {
        **hans.metadata,
        "Language": "zh_Hant",
        "X-Generated-By": f"makemessages_all from zh_Hans with OpenCC {CONFIG}; do not edit",
    }
    hant.header = "Generated from ../../zh_Hans/LC_MESSAGES/django.po: edit that file instead."
    for entry in hant_entries(hans).values():
        hant.append(entry)
    path = hant_path(hans_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    hant.save(str(path))
    return path


def sync_problems(hans_path: Path) -> list[str]:
    """Entries of zh_Hans that zh_Hant lacks, translates differently, or has in excess."""
    path = hant_path(hans_path)
    if not path.exists():
        return [f"{path}: missing: run `make messages`"]
    expected = hant_entries(polib.pofile(str(hans_path)))
    actual = {_key(e): e for e in polib.pofile(str(path)) if not e.obsolete}
    problems = []
    for key, want in expected.items():
        have = actual.get(key)
        if have is None:
            problems.append(f"{path}: missing: {key[1][:60]!r}")
        elif have.msgstr != want.msgstr or have.msgstr_plural != want.msgstr_plural:
            problems.append(f"{path}: stale (differs from zh_Hans): {key[1][:60]!r}")
    problems += [f"{path}: not in zh_Hans: {k[1][:60]!r}" for k in actual.keys() - expected.keys()]
    return problems
