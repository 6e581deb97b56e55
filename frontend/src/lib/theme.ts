/** Theme preference (system | light | dark): stored in localStorage, applied as <html data-theme>. */
import { useSyncExternalStore } from "react";
import type { Theme } from "../api/types";
import { readStorage, storageKey, writeStorage } from "./storage";

export const THEME_KEY = storageKey("theme");
const THEMES: readonly Theme[] = ["system", "light", "dark"];

const listeners = new Set<() => void>();
let media: MediaQueryList | null = null;

export function isTheme(value: unknown): value is Theme {
  return typeof value === "string" && (THEMES as readonly string[]).includes(value);
}

export function getThemePreference(): Theme {
  const stored = readStorage(THEME_KEY);
  return isTheme(stored) ? stored : "system";
}

function systemPrefersDark(): boolean {
  return globalThis.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;
}

export function resolveTheme(pref: Theme): "light" | "dark" {
  if (pref === "system") return systemPrefersDark() ? "dark" : "light";
  return pref;
}

export function applyTheme(pref: Theme = getThemePreference()) {
  const root = globalThis.document?.documentElement;
  if (!root) return;
  const resolved = resolveTheme(pref);
  root.dataset.theme = resolved;
  root.dataset.themePreference = pref;
  root.style.colorScheme = resolved;
}

export function setThemePreference(pref: Theme) {
  writeStorage(THEME_KEY, pref);
  applyTheme(pref);
  for (const l of listeners) l();
}

/** Start following the OS setting and other tabs. Call once at start-up. */
export function initTheme() {
  applyTheme();
  if (!media && globalThis.matchMedia) {
    media = globalThis.matchMedia("(prefers-color-scheme: dark)");
    media.addEventListener?.("change", () => {
      if (getThemePreference() === "system") applyTheme("system");
      for (const l of listeners) l();
    });
  }
  globalThis.addEventListener?.("storage", (e: StorageEvent) => {
    if (e.key === THEME_KEY) {
      applyTheme();
      for (const l of listeners) l();
    }
  });
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useThemePreference(): Theme {
  return useSyncExternalStore(subscribe, getThemePreference, () => "system" as Theme);
}
