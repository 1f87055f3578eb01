// eslint's flat config: the recommended rules over every JavaScript source of the site,
// with the globals of where each file runs. Run by `make test` (tests/tools/test_linters.py).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", "site/", "build/", "dist/", ".cache/", ".venv/"] },
  js.configs.recommended,
  // A suppression that no longer suppresses anything is an error: none outlive their reason.
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  {
    // Browser modules: the cells, widgets, exercises and theme scripts of the pages.
    files: ["frontend/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.browser } },
  },
  {
    // The Pyodide worker and the runtime modules it imports run in a Web Worker.
    files: ["frontend/runtime/**/*.js"],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
  },
  {
    // Build-time scripts and the node test runners.
    files: ["**/*.mjs", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
  },
  {
    rules: {
      // An unused argument documents a callback's signature; unused variables are errors.
      "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
    },
  },
];
