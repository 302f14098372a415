"""Find English words left in the visible text of a Chinese page (the i18n crawl test).

Visible text is every text node outside <script>, <style>, <template> and the language switch,
plus the attributes a person reads (placeholder, title, aria-label, alt, a button's value).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Words a Chinese page may show in Latin letters, each for a reason (acronyms such as PDF, CSV,
# ZIP, QR, SMS, KPI pass as codes, below):
ALLOWED = frozenset(
    {
        "English",  # the language switch names each language in itself
        "Django",  # the framework's name on its own admin sign-in page
        "Word",  # product names in the upload hint: "Word（.docx）或 Excel（.xlsx）"
        "Excel",
    }
)
# A token with a digit, a dot, a colon, an @ or a slash is a code, a number, an address or a path
# (SW-20261206-0001, 010-62751234, qiantai@center.example, the audit trail's `audit:trail` and
# `case.registered`, which an auditor reads as identifiers); an upper-case token is a code, an
# acronym or a format: department and category codes (JW, JX), query codes (HDWBXSYD), PDF,
# SW-YYYYMMDD-NNNN. The interface writes no English word in capitals.
_TOKEN = re.compile(r"[\w@./:-]+")
_WORD = re.compile(r"[A-Za-z]{2,}")
_SKIP_TAGS = {"script", "style", "template", "noscript"}
_READ_ATTRS = ("placeholder", "title", "aria-label", "alt")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.chunks: list[str] = []

    def _hidden(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        skip = tag in _SKIP_TAGS or "data-i18n-skip" in attributes
        if not skip and not self._hidden():
            self.chunks += [attributes[a] or "" for a in _READ_ATTRS if a in attributes]
            if tag == "input" and attributes.get("type") in {"submit", "button"}:
                self.chunks.append(attributes.get("value") or "")
        if tag not in _VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self._hidden():
            self.chunks.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(chunk for chunk in parser.chunks if chunk.strip())


def _english_in(text: str, allowed: frozenset[str]) -> list[str]:
    found = []
    for token in _TOKEN.findall(text):
        if re.search(r"[\d@./:]", token) or token.isupper():
            continue
        found += [w for w in _WORD.findall(token) if w not in ALLOWED and w not in allowed]
    return found


def english_lines(html: str, *, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The visible lines of the page holding English words (``allowed``: the page's own
    identifiers, such as the signed-in user's login name)."""
    lines = visible_text(html).splitlines()
    return [line.strip()[:120] for line in lines if _english_in(line, allowed)]
