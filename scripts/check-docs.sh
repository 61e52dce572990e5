#!/usr/bin/env bash
# Checks the docs a service ships: DIR/README.md, DIR/docs/*.md and DIR/units/*/README.md.
#
#   scripts/check-docs.sh DIR [--absent TERMS_FILE]
#
# (a) every relative link and image (Markdown inline and reference links, HTML href= and src=) resolves to a file or
#     directory inside DIR, and an #anchor into a Markdown file names one of its headings; http(s), mailto and other
#     scheme links are not followed. Text in code spans and fenced code blocks is not a link. The shipped pages
#     (docs/*.md and units/*/README.md) may not link into docs/benchmarks.md or docs/benchmarks/: those stay in the
#     template and a generated service does not have them.
# (b) no lab note (this machine, load average, 2 cores, 2-core, measured here, on this box, 2 shared cores, two cores,
#     two-core; any case, code blocks included) outside docs/benchmarks.md and docs/benchmarks/: the other docs state
#     contracts, not measurements of one machine.
# (c) with --absent, none of the fixed strings in TERMS_FILE (one per line, case-sensitive; blank lines ignored)
#     appears anywhere in those files: what a service generated without a unit must not mention.
#
# Prints each problem as `file:line: problem` and exits 1 if there is any (0 if none, 2 on a usage error).
# Needs bash and python3 only.
set -euo pipefail

usage() {
  echo "usage: $0 DIR [--absent TERMS_FILE]" >&2
  exit 2
}

[[ $# -ge 1 ]] || usage
dir=$1
shift
terms=
while [[ $# -gt 0 ]]; do
  case $1 in
    --absent)
      [[ $# -ge 2 ]] || usage
      terms=$2
      shift 2
      ;;
    *) usage ;;
  esac
done
[[ -d $dir ]] || { echo "$0: not a directory: $dir" >&2; exit 2; }
[[ -z $terms || -f $terms ]] || { echo "$0: no such terms file: $terms" >&2; exit 2; }

exec python3 - "$dir" "$terms" <<'PY'
import os
import re
import sys
import unicodedata
from urllib.parse import unquote

root, terms_file = sys.argv[1], sys.argv[2]
root_abs = os.path.realpath(root)

LAB_NOTE = re.compile(
    r"this machine|load average|\b2 cores|\b2-core|measured here|on this box|\b2 shared cores|\btwo[- ]cores?\b",
    re.IGNORECASE)
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
HTML_ATTR = re.compile(r"\b(?:src|href)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.IGNORECASE)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
HTML_ANCHOR = re.compile(r"<a\s+[^>]*(?:name|id)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)

problems = []


def report(path, line, text):
    problems.append((path, line, len(problems), f"{os.path.normpath(os.path.join(root, path))}:{line}: {text}"))


def pages():
    found = []
    if os.path.isfile(os.path.join(root, "README.md")):
        found.append("README.md")
    docs = os.path.join(root, "docs")
    if os.path.isdir(docs):
        found += sorted("docs/" + n for n in os.listdir(docs) if n.endswith(".md") and os.path.isfile(os.path.join(docs, n)))
    units = os.path.join(root, "units")
    if os.path.isdir(units):
        found += sorted(
            f"units/{n}/README.md" for n in os.listdir(units) if os.path.isfile(os.path.join(units, n, "README.md")))
    return found


def lines_outside_code(text):
    """(line number, line with code spans blanked) for every line outside fenced code blocks."""
    fence = None
    for number, line in enumerate(text.split("\n"), 1):
        match = FENCE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        yield number, CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def slug(heading):
    """The anchor GitHub gives a heading: its text, lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"<[^>]+>", "", text).replace("`", "")
    text = unicodedata.normalize("NFC", text).strip().lower()
    text = "".join(c for c in text if c in "-_ " or unicodedata.category(c)[0] in "LN")
    return text.replace(" ", "-")


anchor_cache = {}


def anchors(path):
    if path not in anchor_cache:
        found, seen = set(), {}
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        fence = None
        for line in text.split("\n"):
            match = FENCE.match(line)
            if fence:
                if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                    fence = None
                continue
            if match:
                fence = match.group(1)
                continue
            for name in HTML_ANCHOR.findall(line):
                found.add(name)
            heading = HEADING.match(line)
            if heading:
                base = slug(heading.group(2))
                count = seen.get(base, 0)
                seen[base] = count + 1
                found.add(base if count == 0 else f"{base}-{count}")
        anchor_cache[path] = found
    return anchor_cache[path]


def targets(line):
    for match in INLINE_LINK.finditer(line):
        yield match.group(1)
    match = REF_DEF.match(line)
    if match:
        yield match.group(1)
    for match in HTML_ATTR.finditer(line):
        yield match.group(1) if match.group(1) is not None else match.group(2)


def check_link(page, number, target):
    target = target.strip()
    if target.startswith("<") and target.endswith(">"):
        target = target[1:-1].strip()
    if not target or SCHEME.match(target) or target.startswith("//"):
        return
    path_part, _, anchor = target.partition("#")
    path_part = unquote(path_part.split("?", 1)[0])
    page_abs = os.path.join(root_abs, page)
    if path_part:
        if path_part.startswith("/"):
            report(page, number, f"link '{target}' is absolute; write it relative to {os.path.dirname(page) or '.'}/")
            return
        resolved = os.path.realpath(os.path.join(os.path.dirname(page_abs), path_part))
    else:
        resolved = os.path.realpath(page_abs)
    if resolved != root_abs and not resolved.startswith(root_abs + os.sep):
        report(page, number, f"link '{target}' points outside {root}")
        return
    if not os.path.exists(resolved):
        report(page, number, f"link '{target}' does not resolve (no {os.path.relpath(resolved, root_abs)})")
        return
    if path_part.endswith("/") and not os.path.isdir(resolved):
        report(page, number, f"link '{target}' names a directory, but {os.path.relpath(resolved, root_abs)} is a file")
        return
    relative = os.path.relpath(resolved, root_abs)
    shipped = page != "README.md" and page != "docs/benchmarks.md"
    template_only = ("docs/benchmarks.md", os.path.join("docs", "benchmarks"))
    if shipped and (relative in template_only or relative.startswith(os.path.join("docs", "benchmarks") + os.sep)):
        report(page, number, f"link '{target}' leads into {relative}, which stays in the template")
    if anchor and resolved.endswith(".md") and os.path.isfile(resolved) and anchor not in anchors(resolved):
        report(page, number, f"link '{target}': no heading with the anchor #{anchor} in {relative}")


terms = []
if terms_file:
    with open(terms_file, encoding="utf-8") as f:
        terms = [t.strip() for t in f.read().split("\n") if t.strip()]

for page in pages():
    with open(os.path.join(root, page), encoding="utf-8", errors="replace") as f:
        text = f.read()
    for number, line in lines_outside_code(text):
        for target in targets(line):
            check_link(page, number, target)
    lab_exempt = page == "docs/benchmarks.md" or page.startswith("docs/benchmarks/")
    for number, line in enumerate(text.split("\n"), 1):
        if not lab_exempt:
            for match in LAB_NOTE.finditer(line):
                report(page, number, f"lab note '{match.group(0)}': measurements of a machine belong in docs/benchmarks.md")
        for term in terms:
            if term in line:
                report(page, number, f"mentions '{term}', a term of a unit this service does not have")

order = {page: index for index, page in enumerate(pages())}
for _, _, _, problem in sorted(problems, key=lambda p: (order.get(p[0], len(order)), p[1], p[2])):
    print(problem)
sys.exit(1 if problems else 0)
PY
