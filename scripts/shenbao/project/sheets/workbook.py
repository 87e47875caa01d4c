"""The project's 填报表: which figures go in it, and the file as bytes."""

from __future__ import annotations

from shenbao.project.figures import BUILD_FIGURES, Figure
from shenbao.project.project import Project
from shenbao.project.sheets import places

DEFAULT_NAME = "填报表.xlsx"


def chosen_figures(project: Project, include_known: bool = False, group: str = "") -> list[Figure]:
    """Open figures (every one with ``include_known``), in the data file's order, of one group if asked."""
    return [
        figure
        for figure in project.figures.values()
        if (include_known or not figure.known)
        and (not group or figure.name.split(".")[0] == group)
        and (include_known or figure.name not in BUILD_FIGURES)
    ]


def project_workbook(project: Project, include_known: bool = False, group: str = "", per_group: bool = False) -> bytes:
    figures = chosen_figures(project, include_known, group)
    uses = places.figure_uses(project.docs_dir, project.page_paths(), project.figures)
    from shenbao.project.sheets import writing  # openpyxl: 17 MiB a build with nothing open never needs

    return writing.workbook_bytes(figures, uses, per_group)
