// @ts-check
// When Python (and the editor) may be fetched before a reader asks for it: in idle time
// after the page has loaded, and never on a connection that asks to save data (Save-Data)
// or is 2G / slow-2G. The cells (frontend/cells/main.js) schedule their warm-up with it.
//
// Plain module, no DOM at import time; where there is no document to wait for (a worker,
// node) it only waits for idle time.

/** @typedef {{connection?: {saveData?: boolean, effectiveType?: string}}} NetworkNavigator */

/**
 * False under Save-Data or on a 2G / slow-2G connection (Network Information API).
 * @param {NetworkNavigator | undefined} [nav]
 */
export function mayPrefetch(nav = /** @type {NetworkNavigator | undefined} */ (globalThis.navigator)) {
  const connection = nav?.connection;
  if (!connection) return true;
  return !(connection.saveData || /(^|-)2g$/.test(connection.effectiveType || ""));
}

/** @typedef {{timeout?: number, fallbackMs?: number}} WarmUpOptions */

/**
 * Call `fn` once the page's load event has fired (at once if it has), when the browser
 * is idle: requestIdleCallback with `timeout` ms at the most, or after `fallbackMs` where
 * there is no requestIdleCallback.
 * @param {() => void} fn
 * @param {WarmUpOptions} [options]
 */
export function whenIdleAfterLoad(fn, { timeout = 4000, fallbackMs = 1000 } = {}) {
  const idle = () => {
    if (typeof globalThis.requestIdleCallback === "function") globalThis.requestIdleCallback(fn, { timeout });
    else setTimeout(fn, fallbackMs);
  };
  const doc = globalThis.document;
  if (!doc || doc.readyState === "complete") idle();
  else globalThis.addEventListener("load", idle, { once: true });
}

/**
 * The warm-up policy: `start()` in idle time after the load, unless the connection says
 * not to prefetch. Returns whether it was scheduled. Options as whenIdleAfterLoad's.
 * @param {() => void} start
 * @param {WarmUpOptions} [options]
 * @returns {boolean}
 */
export function scheduleWarmUp(start, options) {
  if (!mayPrefetch()) return false;
  whenIdleAfterLoad(start, options);
  return true;
}
