// The editing half of the cells, loaded on demand (its own chunk): a CodeMirror 6 editor
// for Python, and the splitting of a cell's code into top-level statements.
import { EditorState, Prec } from "@codemirror/state";
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightSpecialChars,
  keymap,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  HighlightStyle,
  LanguageSupport,
  bracketMatching,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { pythonLanguage } from "@codemirror/lang-python";
import { tags as t } from "@lezer/highlight";

// Material for MkDocs' own code colours, so the editor matches the static blocks in the
// light and the dark palette alike.
const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword],
    color: "var(--md-code-hl-keyword-color)" },
  { tag: [t.string, t.special(t.string), t.regexp], color: "var(--md-code-hl-string-color)" },
  { tag: [t.number, t.integer, t.float], color: "var(--md-code-hl-number-color)" },
  { tag: [t.bool, t.null, t.atom], color: "var(--md-code-hl-constant-color)" },
  { tag: [t.comment, t.lineComment, t.blockComment],
    color: "var(--md-code-hl-comment-color)", fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName), t.standard(t.variableName)],
    color: "var(--md-code-hl-function-color)" },
  { tag: [t.definition(t.variableName), t.className, t.definition(t.className)],
    color: "var(--md-code-hl-name-color)" },
  { tag: [t.operator, t.derefOperator, t.compareOperator, t.arithmeticOperator],
    color: "var(--md-code-hl-operator-color)" },
  { tag: [t.punctuation, t.bracket, t.paren, t.squareBracket, t.brace, t.separator],
    color: "var(--md-code-hl-punctuation-color)" },
  { tag: [t.self, t.special(t.variableName)], color: "var(--md-code-hl-variable-color)" },
  { tag: t.meta, color: "var(--md-code-hl-special-color)" },
  { tag: t.invalid, color: "var(--md-code-hl-special-color)", textDecoration: "underline" },
]);

const theme = EditorView.theme({
  "&": {
    color: "var(--md-code-fg-color)",
    backgroundColor: "var(--md-code-bg-color)",
    fontSize: "inherit",
    borderRadius: "0.1rem",
  },
  ".cm-scroller": { fontFamily: "var(--md-code-font-family)", lineHeight: "1.4" },
  ".cm-content": { padding: "0.7720588235em 0", caretColor: "var(--md-code-fg-color)" },
  ".cm-line": { padding: "0 1.1764705882em" },
  "&.cm-focused": { outline: "0.1rem solid var(--md-accent-fg-color)", outlineOffset: "0.1rem" },
  "&.cm-focused .cm-cursor": { borderLeftColor: "var(--md-code-fg-color)" },
  ".cm-activeLine": { backgroundColor: "transparent" },
  "&.cm-focused .cm-activeLine": { backgroundColor: "var(--md-code-hl-color--light, transparent)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "var(--md-code-hl-color)",
  },
  ".cm-matchingBracket": { outline: "1px solid var(--md-default-fg-color--lighter)" },
});

/**
 * A Python editor in `parent`, holding `code`. `onRun` is called on Ctrl/Cmd+Enter,
 * `onFocus` on the first focus. Tab indents (CodeMirror's indentWithTab); Escape then
 * Tab moves focus out, as CodeMirror documents, so the editor is no keyboard trap.
 */
export function createEditor(parent, code, { label, describedBy, onRun, onFocus }) {
  const state = EditorState.create({
    doc: code,
    extensions: [
      Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => (onRun(), true), preventDefault: true }])),
      history(),
      drawSelection(),
      highlightSpecialChars(),
      highlightActiveLine(),
      indentOnInput(),
      bracketMatching(),
      indentUnit.of("    "),
      EditorState.tabSize.of(4),
      new LanguageSupport(pythonLanguage),
      syntaxHighlighting(highlight),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      theme,
      EditorView.contentAttributes.of({
        "aria-label": label,
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
        spellcheck: "false",
        autocapitalize: "off",
        autocorrect: "off",
        translate: "no",
      }),
      EditorView.domEventHandlers({ focus: () => onFocus && onFocus() }),
    ],
  });
  return new EditorView({ state, parent });
}

export function editorText(view) {
  return view.state.doc.toString();
}

export function setEditorText(view, code) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } });
}

/**
 * The top-level statements of `code`, each padded with newlines so that line numbers
 * in a traceback are those of the editor. Running them one by one, each echoing a bare
 * expression, is what doctest does with the `>>>` examples the page shows. Code that
 * does not parse is returned whole, for Python itself to report the SyntaxError.
 */
export function splitStatements(code) {
  const tree = pythonLanguage.parser.parse(code);
  let broken = false;
  tree.iterate({
    enter(node) {
      if (node.type.isError) broken = true;
      return !broken;
    },
  });
  if (broken) return code.trim() ? [code] : [];
  const chunks = [];
  let line = 1;
  let scanned = 0;
  for (let node = tree.topNode.firstChild; node; node = node.nextSibling) {
    if (node.name === "Comment") continue;
    for (let i = scanned; i < node.from; i++) if (code.charCodeAt(i) === 10) line++;
    scanned = node.from;
    const text = code.slice(node.from, node.to).replace(/\s+$/, "");
    if (text) chunks.push("\n".repeat(line - 1) + text + "\n");
  }
  return chunks;
}
