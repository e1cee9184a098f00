"""The letter template language: plain text with named fields, safe by construction.

A template is text an HR officer can edit. It never runs code: the only thing it can do is
name a field from the whitelist of its letter type, and the field's value is text already
worded by the service. No attribute access, no expressions, no loops.

    # A heading                     a line starting with "# "
    A paragraph, with {{ transfer.date }} filled in.   paragraphs are separated by blank lines
    - a bullet                      a line starting with "- "
    {{ table.affected_by_grade }}   a field named table.* alone on its line is a table

A field the letter type does not offer is an error (shown when the template is saved or
previewed); a field the chosen record has no value for is an error too, so a letter is never
sent with a blank where a fact should be.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FIELD = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


@dataclass(frozen=True)
class Table:
    head: list[str]
    rows: list[list[str]]
    numeric: list[int] = field(default_factory=list)  # right-aligned columns
    caption: str = ""


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: list[str]


Block = Heading | Paragraph | Bullets | Table


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based; 0 for the subject line
    message: str

    def __str__(self) -> str:
        where = "Subject" if self.line == 0 else f"Line {self.line}"
        return f"{where}: {self.message}"


class TemplateError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def lookup(values: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path in nested dicts, or None. Only dict keys are followed, never
    attributes, so a template cannot reach anything the service did not put there."""
    node: Any = values
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def as_table(value: Any) -> Table | None:
    """A table from its stored form ({"head", "rows", "numeric", "caption"}), as letters keep
    their fields as JSON."""
    if isinstance(value, Table):
        return value
    if isinstance(value, Mapping) and "head" in value and "rows" in value:
        return Table([str(h) for h in value["head"]], [[str(c) for c in row] for row in value["rows"]],
                     [int(i) for i in value.get("numeric", [])], str(value.get("caption", "")))
    return None


def table_data(table: Table) -> dict[str, Any]:
    return {"head": table.head, "rows": table.rows, "numeric": table.numeric, "caption": table.caption}


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check(subject: str, body: str, allowed: Mapping[str, str]) -> list[Problem]:
    """Problems with the template itself: syntax, and fields its letter type does not offer."""
    problems: list[Problem] = []
    for number, line in [(0, subject)] + list(enumerate(body.splitlines(), start=1)):
        stripped = FIELD.sub("", line)
        if "{{" in stripped or "}}" in stripped:
            problems.append(Problem(number, "a field must be written {{ name.of.field }}, with both pairs of braces"))
        for match in FIELD.finditer(line):
            name = match.group(1)
            if not NAME.match(name):
                problems.append(Problem(number, f"'{{{{ {name} }}}}' is not a field name (letters, digits, "
                                                "underscores and dots only, e.g. {{ employee.name }})"))
            elif name not in allowed:
                problems.append(Problem(number, f"this letter type has no field {{{{ {name} }}}}"))
            elif name.startswith("table.") and (number == 0 or line.strip() != match.group(0)):
                problems.append(Problem(number, f"the table {{{{ {name} }}}} must be alone on its line"))
    return problems


def spliced(subject: str, body: str, free_text: frozenset[str] | set[str]) -> list[Problem]:
    """Advice, not an error: free-text fields (a reason someone typed) used inside a sentence of
    the letter's own, where the typed words would be spliced into its grammar ("because {{
    protection.reason }}"). Such a field should start a line, or follow a full stop, colon,
    question or exclamation mark, and be followed by nothing more on its line or a new sentence."""
    advice: list[Problem] = []
    for number, line in [(0, subject)] + list(enumerate(body.splitlines(), start=1)):
        for match in FIELD.finditer(line):
            name = match.group(1)
            if name not in free_text:
                continue
            before = FIELD.sub("x", line[:match.start()]).strip()
            if before.startswith(("# ", "- ")) or before in ("#", "-"):
                before = before[1:].strip()
            after = line[match.end():].strip()
            if (before and before[-1] not in ".:?!") or (after and not (after[0].isupper() or after.startswith("{{"))):
                advice.append(Problem(number, f"{{{{ {name} }}}} is free text as someone typed it, given as a sentence "
                                              "of its own: put it on its own line or after a full stop or colon, "
                                              "not inside a sentence"))
    return advice


def _fill_line(line: str, number: int, values: Mapping[str, Any], allowed: Mapping[str, str],
               problems: list[Problem]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        value = lookup(values, name)
        if _is_blank(value):
            problems.append(Problem(number, f"no value for {{{{ {name} }}}} ({allowed.get(name, name)}) "
                                            "in the chosen record"))
            return ""
        return str(value)

    return FIELD.sub(replace, line)


def render(subject: str, body: str, values: Mapping[str, Any], allowed: Mapping[str, str]) -> tuple[str, list[Block]]:
    """Fill the template from `values` (nested dicts of text; tables as Table). Raises
    TemplateError listing every problem: unknown fields, and fields with no value."""
    problems = check(subject, body, allowed)
    if problems:
        raise TemplateError(problems)
    filled_subject = _fill_line(subject, 0, values, allowed, problems).strip()
    blocks: list[Block] = []
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Paragraph(" ".join(paragraph)))
            paragraph.clear()
        if bullets:
            blocks.append(Bullets(list(bullets)))
            bullets.clear()

    for number, raw in enumerate(body.splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        whole = FIELD.fullmatch(line)
        if whole and whole.group(1).startswith("table."):
            flush()
            table = as_table(lookup(values, whole.group(1)))
            if table is None or not table.rows:
                problems.append(Problem(number, f"no rows for {{{{ {whole.group(1)} }}}} "
                                                f"({allowed.get(whole.group(1), '')}) in the chosen record"))
            else:
                blocks.append(table)
            continue
        if line.startswith("# "):
            flush()
            blocks.append(Heading(_fill_line(line[2:].strip(), number, values, allowed, problems)))
        elif line.startswith("- "):
            if paragraph:
                flush()
            bullets.append(_fill_line(line[2:].strip(), number, values, allowed, problems))
        else:
            if bullets:
                flush()
            paragraph.append(_fill_line(line, number, values, allowed, problems))
    flush()
    if problems:
        raise TemplateError(problems)
    return filled_subject, blocks


def used_fields(subject: str, body: str) -> list[str]:
    """The field names a template uses, in order of first use."""
    return list(dict.fromkeys(m.group(1) for m in FIELD.finditer(subject + "\n" + body)))


def plain(blocks: list[Block]) -> str:
    """The filled letter as plain text, for the preview page."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(block.text.upper())
        elif isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Bullets):
            out.append("\n".join(f"• {item}" for item in block.items))
        else:
            out.append("\n".join(" | ".join(row) for row in [block.head] + block.rows))
    return "\n\n".join(out)
