"""Build-time tools of the site: importable, tested, used by the thin hooks in hooks/."""
