"""The 填报表: open figures out to a workbook for other departments, and their answers back into the data.

People who supply numbers answer in Excel or WPS 表格, not in YAML; this
sub-package writes the workbook they fill (``writing``) and reads it back
(``cells`` parses what they typed, ``yaml_edit`` writes it into
``data/figures.yml`` without touching anything else, ``importing`` decides).
"""
