"""What every rule may read: the loaded project, its pages and the check settings, each read once."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from shenbao.check.page import Page
from shenbao.check.settings import CheckSettings
from shenbao.project import numbering
from shenbao.project.project import Project


@dataclass
class Context:
    project: Project
    pages: list[Page]
    settings: CheckSettings

    @functools.cached_property
    def by_uri(self) -> dict[str, Page]:
        return {page.uri: page for page in self.pages}

    @functools.cached_property
    def anchors(self) -> dict[str, set[str]]:
        """Each page's heading ids, as the build gives them."""
        return {page.uri: page_anchors(page) for page in self.pages}


def page_anchors(page: Page) -> set[str]:
    _, headings = numbering.number_headings("\n".join(page.masked), numbering.Counters())
    return {heading.id for heading in headings}
