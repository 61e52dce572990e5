"""Renders README.md from README.md.in: for the template (all units) and for a generated service (its units)."""

import os
import re

from units import ordered

LINK = re.compile(r"(\]\(|src=\")([^)\"#\s]+)")


def rebase_links(markdown: str, directory: str) -> str:
    """Relative links written from units/<name>/ rewritten for the repository root."""

    def rebase(match):
        target = match.group(2)
        if re.match(r"^[a-z]+:", target) or target.startswith("/"):
            return match.group(0)
        return match.group(1) + os.path.normpath(os.path.join(directory, target))

    return LINK.sub(rebase, markdown)


def render(skeleton: str, mode: str, units, context: dict) -> str:
    units = ordered(units)
    examples = [u for u in units if u.is_example]
    others = [u for u in units if not u.is_example]
    flags = {
        "template": mode == "template",
        "service": mode == "service",
        "examples": bool(examples),
        "no-examples": not examples,
        "seeds": any(u.has_seed for u in units),
    }
    text = re.sub(r"\A<!--.*?-->\n", "", skeleton, count=1, flags=re.S)
    text = re.sub(
        r"<!-- if ([a-z-]+) -->\n(.*?)<!-- end if -->\n",
        lambda m: m.group(2) if flags[m.group(1)] else "",
        text,
        flags=re.S,
    )
    rows = "\n".join(
        f"| [{u.name}]({u.directory()}/README.md) | {u.strategy} | {rebase_links(u.summary, u.directory())} |"
        for u in examples
    )
    values = dict(context)
    values["units"] = rows
    values["tour"] = "".join(rebase_links(u.tour, u.directory()) for u in others)
    values["unit_tour"] = "".join(rebase_links(u.tour, u.directory()) for u in examples)
    for key in ("tour", "unit_tour"):
        if not values[key]:
            text = text.replace("{{" + key + "}}\n", "")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value.rstrip("\n") if key in ("tour", "unit_tour") else value)
    leftover = re.findall(r"\{\{[a-z_]+\}\}", text)
    if leftover:
        raise ValueError(f"README.md.in: no value for {', '.join(sorted(set(leftover)))}")
    return text
