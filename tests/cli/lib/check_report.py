#!/usr/bin/env python3
"""Check a ketsim run report (--report FILE.html) for tests/cli/report.sh.

usage: check_report.py PAGE.html [--svg N] [--section TITLE]... [--text TEXT]...
                       [--no-text TEXT]... [--dump-table HEADING]

Fails (exit 1, one line per problem) unless the page parses with
html.parser into properly nested elements (every element that must close is
closed, in order), has the sections asked for, at least N inline <svg>
figures, the texts asked for (searched in the page's decoded text and in
its raw markup), none of the --no-text ones, and no external resource: no
script, link, img, iframe, object or embed element, no src attribute, no
href that leads outside the page, no url() in a style but to #ids.

--dump-table HEADING prints the rows of the first table after the h2 of
that heading as tab-separated cells, the row's class first (for the
caller's own comparisons)."""
import re
import sys
from html.parser import HTMLParser

VOID = {"meta", "br", "hr", "img", "input", "link", "source", "wbr", "area", "base", "col", "embed",
        "param", "track"}
FORBIDDEN = {"script", "link", "img", "iframe", "object", "embed", "frame", "audio", "video", "base"}


class Walk(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.text = [], [], []
        self.sections, self.n_svg = [], 0
        self.tables = []              # (heading, rows)
        self.heading = None
        self.in_h2 = False
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        self.check_attrs(tag, attrs)
        if tag in FORBIDDEN:
            self.problems.append(f"forbidden element <{tag}>")
        if tag == "svg" and "svg" not in self.stack:
            self.n_svg += 1
        if tag == "h2":
            self.in_h2, self.heading = True, ""
        if tag == "table":
            self.tables.append((self.heading, []))
        if tag == "tr":
            self.row = [dict(attrs).get("class") or ""]
        if tag in ("td", "th"):
            self.cell = ""
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        # <path .../> inside SVG: an element opened and closed at once
        self.check_attrs(tag, attrs)
        if tag in FORBIDDEN:
            self.problems.append(f"forbidden element <{tag}>")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "h2":
            self.in_h2 = False
            self.sections.append(self.heading)
        if tag in ("td", "th") and self.row is not None:
            self.row.append(self.cell)
            self.cell = None
        if tag == "tr" and self.tables:
            self.tables[-1][1].append(self.row)
            self.row = None

    def handle_data(self, data):
        self.text.append(data)
        if self.in_h2:
            self.heading += data
        if self.cell is not None:
            self.cell += data

    def check_attrs(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name == "src":
                self.problems.append(f"<{tag}> has a src attribute: {value[:60]}")
            if name.endswith("href") and not value.startswith("#"):
                self.problems.append(f"<{tag}> links outside the page: {value[:60]}")
            if name == "style" and re.search(r"url\((?!#)", value):
                self.problems.append(f"<{tag}> style loads a resource: {value[:60]}")


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    page, want_svg, sections, texts, no_texts, dump = args[0], 0, [], [], [], None
    i = 1
    while i < len(args):
        flag, value = args[i], args[i + 1]
        if flag == "--svg":
            want_svg = int(value)
        elif flag == "--section":
            sections.append(value)
        elif flag == "--text":
            texts.append(value)
        elif flag == "--no-text":
            no_texts.append(value)
        elif flag == "--dump-table":
            dump = value
        else:
            sys.exit(f"unknown option {flag}")
        i += 2
    raw = open(page, encoding="utf-8").read()
    w = Walk()
    w.feed(raw)
    w.close()
    problems = list(w.problems)
    if w.stack:
        problems.append(f"elements left open at the end: {w.stack}")
    if not raw.startswith("<!DOCTYPE html>"):
        problems.append("no <!DOCTYPE html> first")
    for tag in ("html", "head", "body", "style", "title", "h1"):
        if raw.count(f"<{tag}") < 1 or raw.count(f"</{tag}>") != 1:
            problems.append(f"<{tag}> missing or not closed once")
    if re.search(r"""(src|href)\s*=\s*["']?\s*https?:""", raw, re.I):
        problems.append("an http(s) address in a src or href attribute")
    if re.search(r"@import|url\(\s*['\"]?https?:", raw, re.I):
        problems.append("the style loads something from the network")
    if w.n_svg < want_svg:
        problems.append(f"{w.n_svg} inline <svg> figures, expected at least {want_svg}")
    for s in sections:
        if s not in w.sections:
            problems.append(f"no section '{s}' (sections: {w.sections})")
    text = "".join(w.text)
    for t in texts:
        if t not in text and t not in raw:
            problems.append(f"text not found: {t!r}")
    for t in no_texts:
        if t in raw:
            problems.append(f"unwanted text found in the markup: {t!r}")
    for p in problems:
        print(f"{page}: {p}")
    if dump is not None:
        for heading, rows in w.tables:
            if heading == dump:
                for r in rows:
                    print("\t".join(c.replace("\t", " ").replace("\n", " ") for c in r))
                break
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
