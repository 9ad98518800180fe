"""The situation report: a static, offline HTML site per governance level (see site.py)."""
