// ESLint (flat config): typescript-eslint's recommended rules and React's rules of hooks.
// `npm run lint` (and `pants lint components/ui::`) fail on any warning.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules", "test-results", "playwright-report"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["src/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // Node, plus the browser for the functions handed to page.evaluate.
    files: ["e2e/**/*", "scripts/**/*", "*.config.{ts,js}"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    // Playwright fixtures take `({}, use)`: an empty pattern is the documented idiom.
    rules: { "no-empty-pattern": "off" },
  },
);
