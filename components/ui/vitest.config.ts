import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

/** Unit tests: components and helpers in jsdom, no network (the API client is given a fake fetch). */
export default defineConfig({
  plugins: [react()],
  test: {
    environment: "jsdom",
    globals: true,
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
  },
});
