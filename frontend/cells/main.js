// Entry point of the site's script (bundled by hooks/cells.py into assets/cells/main.js):
// the runnable cells, and keyboard access to boxes that scroll (../theme/scrollable.js).
//
// Binds the cells of the page on every emission of Material's `document$` (so it would
// keep working with instant navigation), or once if the theme has none (onEveryPage,
// ../shared/dom.js). This module is small; CodeMirror loads as a separate chunk, and the
// Python runtime (assets/runtime/) only on the first Run, a focus in an editor, or idle
// time after the page has loaded (../shared/warmup.js).
import "./cells.css";
import "../widgets/widgets.css";
import { onEveryPage } from "../shared/dom.js";
import { pageLanguage } from "../shared/language.js";
import { scheduleWarmUp } from "../shared/warmup.js";
import { focusableScrollers } from "../theme/scrollable.js";
import { PageCells } from "./page.js";

// Both live next to this file in the built site: assets/cells/ and assets/runtime/.
const ASSETS_URL = new URL("../", import.meta.url).href;
const SESSION_URL = new URL("../runtime/session.js", import.meta.url).href;

let current = null;

function bind() {
  focusableScrollers(document);
  bindWidgets();
  const elements = [...document.querySelectorAll("div.cell[data-cell]")].filter((el) =>
    el.querySelector(":scope > script.cell-data"),
  );
  if (current && current.cells.length && elements.includes(current.cells[0].el)) return; // bound already
  if (current) current.dispose();
  current = null;
  if (!elements.length) return;
  const page = createPage(elements);
  current = page;
  // Python and the editor in idle time after the load (frontend/shared/warmup.js), for
  // this page only: a page bound since then has a warm-up of its own.
  scheduleWarmUp(() => current === page && page.warmUp());
}

function createPage(elements) {
  const lang = pageLanguage(document);
  return new PageCells(elements, {
    lang,
    createSession: async () => {
      const runtime = await import(SESSION_URL);
      return runtime.createSession({ assetsUrl: ASSETS_URL, lang });
    },
  });
}

// The instant widgets (frontend/widgets/): a chunk of their own, loaded only on a page
// that has one. Their "Send to code" writes Python into a runnable cell after the widget
// and runs it (PageCells.send), on a page without examples too.
function bindWidgets() {
  const hosts = [...document.querySelectorAll(".it-widget[data-widget]")];
  if (!hosts.length) return;
  const cells = { send: (host, code) => (current ||= createPage([])).send(host, code) };
  import("../widgets/main.js")
    .then(({ mountWidgets }) => mountWidgets(hosts, { lang: pageLanguage(document), cells }))
    .catch((err) => console.error("infotheory widgets could not be loaded:", err));
}

onEveryPage(bind);
