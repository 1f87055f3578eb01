// @ts-check
// The page's language, read from the page (<html lang>, which mkdocs-static-i18n sets):
// "en" or "es", English for anything else. The one place the cells, widgets and exercises
// learn it; each bundle's strings.js then picks its words with it.
//
// Plain module, no DOM at import time (it also loads where there is no document).

/** The languages the site is written in; the first is the fallback. */
export const LANGUAGES = ["en", "es"];

/**
 * "en" | "es": the primary subtag of <html lang> ("es-ES" -> "es"), else "en".
 * @param {Document | undefined} [doc]
 * @returns {string}
 */
export function pageLanguage(doc = globalThis.document) {
  const tag = (doc?.documentElement?.getAttribute("lang") || LANGUAGES[0]).toLowerCase().split("-")[0];
  return LANGUAGES.includes(tag) ? tag : LANGUAGES[0];
}
