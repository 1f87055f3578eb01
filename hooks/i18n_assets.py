"""MkDocs hook: share language-neutral assets (figures, data files) between languages.

With ``fallback_to_default: false`` mkdocs-static-i18n drops every file without a
language suffix from the Spanish build, so ``docs/assets/figure.svg`` linked from a
Spanish page is "not found" and the strict build fails. This hook hands those assets
back to the non-default builds with their default location (``/assets/figure.svg``,
one copy for both languages). Pages are untouched, so a missing translation is still an
error, and a localized asset (``figure.es.svg``) still wins where static-i18n picks it.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from mkdocs.plugins import event_priority
from mkdocs.structure.files import get_files


@event_priority(-110)  # after static-i18n (-100) has built the language's file list
def on_files(files, config):
    i18n = config.plugins.get("i18n")
    if i18n is None or i18n.current_language == i18n.default_language:
        return files
    locales = set(i18n.all_languages)
    present = {file.src_uri for file in files}
    for file in get_files(config):
        if file.is_documentation_page() or file.src_uri in present:
            continue
        suffixes = PurePosixPath(file.src_uri).suffixes
        if len(suffixes) >= 2 and suffixes[-2].lstrip(".") in locales:
            continue  # localized asset: static-i18n's business
        files.append(file)
    return files
