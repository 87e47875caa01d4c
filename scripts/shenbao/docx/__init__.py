"""The DOCX: assembly, pandoc, typesetting, the reference document, layout, source anchors, rendering."""
