// @ts-check
// DOM helpers shared by the cells, the widgets and the exercises: elements and SVG built
// from attributes and children, document-unique ids, buttons that honour aria-disabled,
// and the binding of a bundle to every page Material shows.

export const SVG_NS = "http://www.w3.org/2000/svg";

let counter = 0;
/** A document-unique id with a readable prefix. @type {(prefix: string) => string} */
export const uid = (prefix) => `it-${prefix}-${++counter}`;

/** @typedef {Record<string, string | number | boolean | null | undefined>} Attributes */
/** @typedef {Node | string | null | undefined} Child */

/**
 * Set each attribute of `attributes` on `node`: `true` as an empty attribute, `false`,
 * null and undefined remove it, anything else as its string.
 * @template {Element} E
 * @param {E} node
 * @param {Attributes} attributes
 * @returns {E}
 */
export function setAttributes(node, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value == null) node.removeAttribute(name);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  return node;
}

/**
 * An HTML element with `attributes` (as setAttributes) and `children` (nodes or text; null skipped).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attributes} [attributes]
 * @param {Child[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  setAttributes(node, attributes);
  node.append(.../** @type {(Node | string)[]} */ (children.filter((c) => c != null)));
  return node;
}

/**
 * An SVG element, as el().
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Attributes} [attributes]
 * @param {Child[]} [children]
 * @returns {SVGElementTagNameMap[K]}
 */
export function svg(tag, attributes = {}, children = []) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attributes);
  node.append(.../** @type {(Node | string)[]} */ (children.filter((c) => c != null)));
  return node;
}

/**
 * A <button type="button"> holding `children`, with `attributes`. A click calls
 * `onClick(event)` unless the button is aria-disabled (it stays focusable and announced,
 * unlike a disabled one).
 * @param {Child[]} children
 * @param {(event: MouseEvent) => void} onClick
 * @param {Attributes} [attributes]
 * @returns {HTMLButtonElement}
 */
export function button(children, onClick, attributes = {}) {
  const node = el("button", { type: "button", ...attributes }, children);
  node.addEventListener("click", (event) => {
    event.preventDefault();
    if (node.getAttribute("aria-disabled") === "true") return;
    onClick(event);
  });
  return node;
}

/**
 * Mark `node` aria-disabled (or not).
 * @param {Element} node
 * @param {unknown} disabled
 */
export function setDisabled(node, disabled) {
  node.setAttribute("aria-disabled", String(Boolean(disabled)));
}

/**
 * Call `bind()` for every page: on each emission of Material's `document$` (so that it
 * keeps working with instant navigation), or once the document is parsed if the theme
 * has none.
 * @param {() => void} bind
 */
export function onEveryPage(bind) {
  const material = /** @type {{document$?: {subscribe?: (fn: () => void) => unknown}}} */ (window).document$;
  if (material && typeof material.subscribe === "function") material.subscribe(bind);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", bind, { once: true });
  else bind();
}
