import { defineConfig } from "@playwright/test";

/**
 * E2E in Debian's Chromium (never a Playwright browser download) against the real local stack,
 * started by e2e/global-setup.mjs. The `light` project runs every spec; `dark` repeats the page
 * tour (screenshots, axe scans) in the dark theme.
 */
const chromium = process.env.POLO_CHROMIUM ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.mjs",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    viewport: { width: 1440, height: 900 },
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
    },
  },
  projects: [
    { name: "light", use: { colorScheme: "light" } },
    { name: "dark", use: { colorScheme: "dark" }, testMatch: /pages\.spec\.ts/ },
  ],
});
