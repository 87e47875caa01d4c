"""Every rule of ``make check``, in one plain list: its id, description, documentation and fix.

Each module holds one rule or a small family; this list is the registry that
``--list-rules``, ``--explain`` and the README's rule table are made from.
"""

from __future__ import annotations

from shenbao.check.rule import DOC_SECTIONS, ERROR, SAFE, UNSAFE, WARNING, Diagnostic, Finding, Fix, Rule
from shenbao.check.rules import (
    characters,
    config,
    consistency,
    data,
    length,
    links,
    published,
    sequence,
    structure,
    templates,
    terms,
    typed_number,
    typography,
)

RULES: tuple[Rule, ...] = (
    data.data,
    data.settings,
    data.special_name,
    templates.unknown_figure,
    templates.unknown_exhibit,
    templates.template,
    templates.template_unsafe,
    templates.macro_arguments,
    published.published_html,
    templates.unused_figure,
    typed_number.typed_number,
    terms.term,
    typography.punctuation,
    typography.quotes,
    typography.spacing,
    typography.percent,
    typography.ellipsis,
    typography.dash,
    consistency.consistency,
    links.link,
    links.anchor,
    links.image,
    structure.nav,
    structure.page_title,
    structure.typed_heading_number,
    sequence.typed_sequence,
    structure.heading_depth,
    structure.empty_section,
    length.length,
    characters.hidden_character,
    config.config,
)
BY_ID: dict[str, Rule] = {r.id: r for r in RULES}

__all__ = [
    "BY_ID",
    "DOC_SECTIONS",
    "ERROR",
    "RULES",
    "SAFE",
    "UNSAFE",
    "WARNING",
    "Diagnostic",
    "Finding",
    "Fix",
    "Rule",
]
