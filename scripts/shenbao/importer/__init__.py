"""``shenbao import``: read a Word file, find its structure and statistics, write a project."""
