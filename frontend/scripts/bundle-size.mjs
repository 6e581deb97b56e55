#!/usr/bin/env node
// Reports gzipped JS per route from dist/.vite/manifest.json and fails if the initial route exceeds the budget.
// Usage: npm run build && npm run size  (BUDGET_KB to override the 150 KB budget)
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const dist = join(import.meta.dirname, "..", "dist");
const manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8"));
const budget = Number(process.env.BUDGET_KB ?? 150) * 1024;
const gz = new Map();
const size = (file) => {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length);
  return gz.get(file);
};
function closure(key, seen = new Set()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const imp of chunk.imports ?? []) closure(imp, seen);
  return seen;
}
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const shell = closure(entryKey);
const total = (files) => [...files].filter((f) => f.endsWith(".js")).reduce((s, f) => s + size(f), 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const rows = [];
for (const [key, chunk] of Object.entries(manifest)) {
  if (!chunk.isDynamicEntry) continue;
  const files = closure(key, new Set(shell));
  rows.push({ route: key.replace(/^src\/features\//, ""), total: total(files), own: total(new Set([...closure(key)].filter((f) => !shell.has(f)))) });
}
rows.sort((a, b) => b.total - a.total);
console.log(`App shell (entry + static imports): ${kb(total(shell))} gzipped`);
for (const f of shell) console.log(`  ${f.padEnd(40)} ${kb(size(f))}`);
console.log("\nPer route (shell + route chunks), gzipped:");
for (const r of rows) console.log(`  ${r.route.padEnd(48)} ${kb(r.total).padStart(9)}  (route-only ${kb(r.own)})`);
const landing = rows.find((r) => r.route.startsWith("marketing/LandingPage"));
const initial = landing?.total ?? total(shell);
console.log(`\nInitial route (/) JS: ${kb(initial)} gzipped; budget ${kb(budget)}`);
if (initial > budget) {
  console.error("Initial route is over budget.");
  process.exit(1);
}
