/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const backend = process.env.VITE_BACKEND_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      // SSE needs no buffering; http-proxy streams by default.
      "/api": { target: backend, changeOrigin: false },
      "/health": { target: backend, changeOrigin: false },
      "/docs": { target: backend, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      "/api": { target: backend },
      "/health": { target: backend },
      "/docs": { target: backend },
    },
  },
  build: {
    target: "es2022",
    sourcemap: true,
    manifest: true,
    chunkSizeWarningLimit: 400,
    rollupOptions: {
      output: {
        // React + router + query change rarely: their own long-cached chunk.
        manualChunks: (id) => {
          if (/node_modules\/(react|react-dom|scheduler|react-router|@tanstack)\//.test(id)) return "vendor";
          return undefined;
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    restoreMocks: true,
    // jsdom renders are slow on a loaded 2-core CI machine; the default 5 s flaked there.
    testTimeout: 20_000,
  },
});
