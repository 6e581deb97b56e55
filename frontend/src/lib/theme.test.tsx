import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ThemeSwitcher } from "../features/settings/ThemeSwitcher";
import { json, mockFetch, path, renderRoute } from "../test/utils";
import { resetClientState } from "./api-client";
import { authStore } from "./auth-store";
import { applyTheme, getThemePreference, resolveTheme, setThemePreference, THEME_KEY } from "./theme";

function stubMatchMedia(dark: boolean) {
  vi.stubGlobal("matchMedia", (q: string) => ({ matches: dark && q.includes("dark"), media: q, addEventListener: () => {}, removeEventListener: () => {} }));
}

describe("theme", () => {
  beforeEach(() => {
    authStore.reset();
    resetClientState();
    delete document.documentElement.dataset.theme;
  });
  afterEach(() => vi.unstubAllGlobals());

  it("defaults to system and follows the OS preference", () => {
    stubMatchMedia(true);
    expect(getThemePreference()).toBe("system");
    applyTheme();
    expect(document.documentElement.dataset.theme).toBe("dark");
    stubMatchMedia(false);
    expect(resolveTheme("system")).toBe("light");
  });

  it("stores an explicit choice and applies it", () => {
    stubMatchMedia(false);
    setThemePreference("dark");
    expect(localStorage.getItem(THEME_KEY)).toBe("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(document.documentElement.style.colorScheme).toBe("dark");
    setThemePreference("light");
    expect(document.documentElement.dataset.theme).toBe("light");
  });

  it("ignores garbage in storage", () => {
    localStorage.setItem(THEME_KEY, "purple");
    expect(getThemePreference()).toBe("system");
  });

  it("switcher changes the theme and saves it to the account when signed in", async () => {
    stubMatchMedia(false);
    authStore.setSession({ access_token: "t", expires_in: 900 });
    const { calls } = mockFetch(async (req) => json({ id: "u1", theme: (await req.clone().json()).theme }));
    renderRoute(<ThemeSwitcher compact={false} />);
    await userEvent.click(screen.getByRole("radio", { name: "Dark theme" }));
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(screen.getByRole("radio", { name: "Dark theme" })).toBeChecked();
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0].method).toBe("PATCH");
    expect(path(calls[0])).toBe("/api/v1/me");
    expect(await calls[0].json()).toEqual({ theme: "dark" });
  });

  it("switcher works signed out without calling the API", async () => {
    stubMatchMedia(false);
    authStore.clear(null);
    const { fn } = mockFetch(() => json({}));
    renderRoute(<ThemeSwitcher />);
    await userEvent.click(screen.getByRole("radio", { name: "Light theme" }));
    expect(getThemePreference()).toBe("light");
    expect(fn).not.toHaveBeenCalled();
  });
});
