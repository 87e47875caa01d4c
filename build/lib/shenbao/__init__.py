"""Docs-as-code for Chinese application materials (申报材料)."""
