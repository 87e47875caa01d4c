"""Plain text, below everything else: Markdown scanning, typed statistics, title lines, encodings, Chinese words."""
