import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetClientState } from "../../lib/api-client";
import { authStore } from "../../lib/auth-store";
import { json, mockFetch, path, problem, renderRoute } from "../../test/utils";
import { SignInPage } from "./SignInPage";
import { SignUpPage } from "./SignUpPage";

describe("sign-up form", () => {
  beforeEach(() => {
    authStore.reset();
    authStore.clear(null);
    resetClientState();
  });
  afterEach(() => vi.unstubAllGlobals());

  it("shows the server's field error next to the field and the problem detail above the form", async () => {
    const { calls } = mockFetch((req) =>
      path(req) === "/api/v1/auth/register"
        ? problem(422, "validation_failed", "Some fields are invalid.", [{ field: "password", message: "This password is too common — choose another." }])
        : json({}),
    );
    renderRoute(<SignUpPage />, { route: "/signup", path: "/signup" });
    await userEvent.type(screen.getByLabelText("Email"), "new@example.com");
    await userEvent.type(screen.getByLabelText("Password", { selector: "input" }), "password1");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));

    const input = screen.getByLabelText("Password", { selector: "input" });
    await waitFor(() => expect(input).toHaveAttribute("aria-invalid", "true"));
    expect(input).toHaveAccessibleDescription(expect.stringContaining("This password is too common"));
    expect(screen.getByRole("alert")).toHaveTextContent("Some fields are invalid.");
    expect(screen.getByLabelText("Email")).not.toHaveAttribute("aria-invalid");
    expect(await calls[0].json()).toEqual({ email: "new@example.com", password: "password1" });
  });

  it("validates on the client before calling the API", async () => {
    const { fn } = mockFetch(() => json({}));
    renderRoute(<SignUpPage />, { route: "/signup", path: "/signup" });
    await userEvent.type(screen.getByLabelText("Email"), "not-an-email");
    await userEvent.type(screen.getByLabelText("Password", { selector: "input" }), "short");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(screen.getByLabelText("Email")).toHaveAccessibleDescription(expect.stringContaining("valid email"));
    expect(screen.getByLabelText("Password", { selector: "input" })).toHaveAccessibleDescription(expect.stringContaining("at least 8"));
    expect(fn).not.toHaveBeenCalled();
  });

  it("stores the session in memory and redirects after registering", async () => {
    const user = { id: "u1", email: "new@example.com", email_verified: false, role: "user", plan: "free", theme: "system", training_opt_out: false, created_at: "2025-01-01T00:00:00Z" };
    mockFetch(() => json({ user, access_token: "tok", refresh_token: "r", token_type: "Bearer", expires_in: 900 }, 201));
    const { router } = renderRoute(<SignUpPage />, { route: "/signup", path: "/signup" });
    await userEvent.type(screen.getByLabelText("Email"), "new@example.com");
    await userEvent.type(screen.getByLabelText("Password", { selector: "input" }), "a-much-better-passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/dashboard"));
    expect(authStore.getState()).toMatchObject({ status: "authenticated", accessToken: "tok" });
  });
});

describe("sign-in form", () => {
  beforeEach(() => {
    authStore.reset();
    authStore.clear(null);
    resetClientState();
  });
  afterEach(() => vi.unstubAllGlobals());

  it("shows invalid credentials and rate limiting details", async () => {
    let n = 0;
    mockFetch(() =>
      ++n === 1
        ? problem(401, "invalid_credentials", "Email or password is incorrect.")
        : problem(429, "rate_limited", "Too many sign-in attempts.", undefined, { "Retry-After": "42" }),
    );
    renderRoute(<SignInPage />, { route: "/signin", path: "/signin" });
    await userEvent.type(screen.getByLabelText("Email"), "a@example.com");
    await userEvent.type(screen.getByLabelText("Password", { selector: "input" }), "whatever1");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Email or password is incorrect.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Too many sign-in attempts. Try again in 42 seconds.")).toBeInTheDocument();
  });
});
