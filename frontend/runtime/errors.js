// @ts-check
// errors.js: the runtime's errors, in the reader's language. A RuntimeLoadError's message
// is written for readers (the cells UI shows it as it is); its code is for programs.

/** @typedef {"en" | "es"} Lang */

/**
 * @typedef {"unsupported" | "network" | "integrity" | "timeout" | "python" | "crashed"} ErrorCode
 * "crashed" is the message of a run (and of any other request) that a restart cut short.
 */

/** @type {Record<Lang, Record<ErrorCode, string>>} */
const MESSAGES = {
  en: {
    unsupported:
      "This browser cannot run the examples: it lacks WebAssembly or module Web Workers. " +
      "A recent Firefox, Chrome, Edge or Safari can.",
    network: "Python could not be downloaded ({detail}). Check the connection and try again.",
    integrity:
      "A file of the Python runtime did not match its checksum ({detail}), so it was not " +
      "run. Reload the page and try again.",
    timeout:
      "Loading Python stalled (no progress for {seconds} s). Check the connection and try again.",
    python: "Python started but could not set up the examples ({detail}).",
    crashed: "Python stopped unexpectedly ({detail}); it has been restarted.",
  },
  es: {
    unsupported:
      "Este navegador no puede ejecutar los ejemplos: no admite WebAssembly o los Web " +
      "Workers de módulo. Un Firefox, Chrome, Edge o Safari reciente sí puede.",
    network:
      "No se pudo descargar Python ({detail}). Comprueba la conexión y vuelve a intentarlo.",
    integrity:
      "Un archivo del entorno de Python no coincide con su suma de comprobación ({detail}), " +
      "así que no se ha ejecutado. Recarga la página y vuelve a intentarlo.",
    timeout:
      "La carga de Python se ha detenido (sin avances durante {seconds} s). Comprueba la " +
      "conexión y vuelve a intentarlo.",
    python: "Python ha arrancado, pero no ha podido preparar los ejemplos ({detail}).",
    crashed: "Python se detuvo de forma inesperada ({detail}); se ha reiniciado.",
  },
};

export class RuntimeLoadError extends Error {
  /**
   * @param {string} code  an ErrorCode; an unknown one gets the "network" message
   * @param {string} lang  "en" | "es"; any other language gets English
   * @param {string} [detail]  what failed, in the words of the browser or of Python
   * @param {{seconds?: number}} [extra]
   */
  constructor(code, lang, detail = "", extra = {}) {
    const table = MESSAGES[/** @type {Lang} */ (lang)] || MESSAGES.en;
    const template = table[/** @type {ErrorCode} */ (code)] || table.network;
    const message = template
      .replace("{detail}", detail || "?")
      .replace("{seconds}", String(extra.seconds ?? ""));
    super(message);
    this.name = "RuntimeLoadError";
    this.code = code;
    this.detail = detail;
  }
}

/**
 * `err` as a RuntimeLoadError: itself if it is one, else a "network" one with its message.
 *
 * @param {unknown} err
 * @param {string} lang
 * @returns {RuntimeLoadError}
 */
export function asLoadError(err, lang) {
  return err instanceof RuntimeLoadError ? err : new RuntimeLoadError("network", lang, describe(err));
}

/**
 * The message of an error, or the thing itself as text.
 *
 * @param {unknown} err
 */
export function describe(err) {
  const message = /** @type {{message?: unknown} | null | undefined} */ (err)?.message;
  return String(message || err);
}

/** The page's language if the messages have it, else "en". */
export function pageLanguage() {
  const lang = (globalThis.document?.documentElement?.lang || "en").slice(0, 2).toLowerCase();
  return lang in MESSAGES ? lang : "en";
}
