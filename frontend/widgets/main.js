// The instant widgets (no Python needed): each page places one with a raw-HTML
// placeholder that also carries a short text for readers without scripts,
//
//   <div class="it-widget" data-widget="two-distributions" data-preset="coin">
//     <p class="it-widget__fallback">…</p>
//   </div>
//
// frontend/cells/main.js imports this module (a chunk of its own) only on pages that
// have a placeholder, and passes `cells`, whose send(host, code) writes Python into a
// runnable cell after the widget and runs it ("Send to code"). One module per widget,
// each loaded on demand; they share math.js (the package's formulas), strings.js (en/es),
// dom.js and bars.js, and ../shared/ with the cells and exercises (DOM helpers, numbers).
import { strings } from "./strings.js";

const WIDGETS = {
  "two-distributions": () => import("./two-distributions.js"),
  "forward-reverse": () => import("./forward-reverse.js"),
  temperature: () => import("./temperature.js"),
  "kl-leash": () => import("./kl-leash.js"),
};

/** Mount every placeholder in `hosts` that is not mounted yet. */
export async function mountWidgets(hosts, { lang, cells }) {
  const s = strings(lang);
  await Promise.all(
    hosts.map(async (host) => {
      const load = WIDGETS[host.dataset.widget];
      if (!load || host.dataset.mounted) return;
      host.dataset.mounted = "pending";
      try {
        const widget = await load();
        host.widget = widget.mount(host, { lang, s, cells });
        host.dataset.mounted = "true";
      } catch (err) {
        delete host.dataset.mounted;
        console.error(`infotheory widgets: ${host.dataset.widget} could not start:`, err);
      }
    }),
  );
}
