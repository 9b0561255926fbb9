#!/usr/bin/env python3
"""Write ADDON/README.rst from the addon's manifest and its readme/*.md fragments.

A small stand-in for OCA's oca-gen-addon-readme: the fragments are Markdown, of which only
what RST reads the same (paragraphs, bullets, **bold**) plus `code` and [links](url) is used.
Usage: scripts/gen_readme.py ADDON [ADDON ...]
"""

import ast
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SECTIONS = [
    ("DESCRIPTION.md", None),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("ROADMAP.md", "Known issues / Roadmap"),
    ("CONTRIBUTORS.md", "Contributors"),
]


def md_to_rst(text):
    text = re.sub(r"(?<!`)`([^`\n]+)`(?!`)", r"``\1``", text)
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"`\1 <\2>`_", text)
    lines = []
    for line in text.splitlines():
        heading = re.match(r"^(#+)\s+(.*)$", line)
        if heading:
            title = heading.group(2).strip()
            lines += [title, "~" * len(title)]
        else:
            lines.append(line)
    return "\n".join(lines).strip() + "\n"


def render(addon):
    path = ROOT / addon
    manifest = ast.literal_eval((path / "__manifest__.py").read_text(encoding="utf-8"))
    name = manifest["name"]
    out = ["=" * len(name), name, "=" * len(name), ""]
    out += [
        f"| License: {manifest['license']} | Version: {manifest['version']}"
        f" | Depends on: {', '.join(manifest.get('depends', []))}",
        "",
        manifest.get("summary", ""),
        "",
    ]
    toc = [title for fname, title in SECTIONS if title and (path / "readme" / fname).exists()]
    if toc:
        out += ["**Table of contents**", ""] + [f"* `{t}`_" for t in toc] + [""]
    for fname, title in SECTIONS:
        fragment = path / "readme" / fname
        if not fragment.exists():
            continue
        if title:
            out += [title, "=" * len(title), ""]
        out += [md_to_rst(fragment.read_text(encoding="utf-8")), ""]
    out += ["Authors", "=======", "", f"* {manifest['author']}", ""]
    (path / "README.rst").write_text("\n".join(out).rstrip() + "\n", encoding="utf-8")


if __name__ == "__main__":
    for addon in sys.argv[1:] or ["social_crm", "social_crm_scoring", "social_crm_helpdesk"]:
        if (ROOT / addon / "__manifest__.py").exists():
            render(addon)
            print(f"{addon}/README.rst")
