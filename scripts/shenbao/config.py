"""The ``shenbao`` plugin's settings in ``mkdocs.yml``, typed and validated by MkDocs.

    plugins:
      - shenbao:
          mode: draft            # or final: refuse while anything is open
          figures: data/figures.yml

Every option has a default, so ``- shenbao`` alone is a working setting.
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

PLUGIN_NAME = "shenbao"
DRAFT, FINAL = "draft", "final"


class ShenbaoConfig(base.Config):
    mode = c.Choice((DRAFT, FINAL), default=DRAFT)
    """draft: placeholders highlighted, 草稿 in the header; final: refuse while figures or text are missing."""
    preview = c.Type(bool, default=False)
    """Also render the DOCX to PDF (LibreOffice) and offer it for download on the site."""
    data_dir = c.Type(str, default="data")
    """Where the settings files live: terms.yml, check.yml, relations.yml."""
    figures = c.Type(str, default="data/figures.yml")
    exhibits = c.Type(str, default="data/exhibits.yml")
    output_dir = c.Type(str, default="dist")
    """Where ``shenbao build`` puts the DOCX (the site keeps a copy under downloads/)."""
    docx_name = c.Optional(c.Type(str))
    """The DOCX's file name without .docx; default: the title (application.title), with （草稿） for a draft."""
