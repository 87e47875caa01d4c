"""The application as data: its pages, figures, exhibits, numbering and settings, loaded once.

``from shenbao.project import Project`` is the public entry point; it is looked up on
first use, so importing one data module does not load MkDocs' configuration classes.
"""


def __getattr__(name: str):
    if name in ("Project", "ProjectError"):
        from shenbao.project import project

        return getattr(project, name)
    raise AttributeError(name)
