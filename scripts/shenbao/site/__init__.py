"""The site: the MkDocs plugin, macros, page sandbox, charts, generated pages, print style, outputs."""
