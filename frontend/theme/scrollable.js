// Keyboard access to content that scrolls sideways (WCAG 2.1.1; axe-core's
// "scrollable-region-focusable"): a wide display formula, a long code line in a lab, a
// wide table on a phone. Only the boxes that actually overflow become tab stops; they are
// checked again once the fonts have loaded and whenever the window is resized.

const SELECTORS = [
  ".md-typeset div.arithmatex",
  ".md-typeset .katex-display",
  ".md-typeset .highlight-ipynb",
  ".md-typeset .jp-OutputArea-output pre",
  ".md-typeset pre > code",
  ".md-typeset__scrollwrap",
].join(", ");

const FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";

function overflows(el) {
  const style = getComputedStyle(el);
  const scrolls = (value) => value === "auto" || value === "scroll";
  return (
    (scrolls(style.overflowX) && el.scrollWidth > el.clientWidth + 1) ||
    (scrolls(style.overflowY) && el.scrollHeight > el.clientHeight + 1)
  );
}

function update(root) {
  for (const el of root.querySelectorAll(SELECTORS)) {
    const marked = el.dataset.scrollFocus === "1";
    if (overflows(el)) {
      if (!el.hasAttribute("tabindex") && !el.querySelector(FOCUSABLE)) {
        el.setAttribute("tabindex", "0");
        el.dataset.scrollFocus = "1";
      }
    } else if (marked) {
      el.removeAttribute("tabindex");
      delete el.dataset.scrollFocus;
    }
  }
}

let timer = null;
let listening = false;

/** Check the document now and after every resize. */
export function focusableScrollers(doc = document) {
  update(doc);
  doc.fonts?.ready.then(() => update(doc)); // web fonts (KaTeX's) change widths
  if (listening) return;
  listening = true;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(() => update(document), 200);
  });
}
