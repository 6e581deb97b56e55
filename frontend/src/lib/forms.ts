import { ApiError } from "./problem";

/** Bytes in UTF-8 (bcrypt's 72-byte limit counts bytes, not characters). */
export function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

export function validateEmail(email: string): string | null {
  const e = email.trim();
  if (!e) return "Enter your email address.";
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) return "Enter a valid email address, like name@example.com.";
  return null;
}

export function validateNewPassword(password: string): string | null {
  if (!password) return "Choose a password.";
  const bytes = utf8Length(password);
  if (bytes < 8) return "Use at least 8 characters.";
  if (bytes > 72) return "Use at most 72 bytes (shorter, or fewer special characters).";
  return null;
}

export type FieldErrors = Record<string, string | undefined>;

/**
 * Split an error into what belongs next to form fields and what belongs in the form's alert.
 * Client-side errors take precedence (they are current); server field errors for unknown fields go to the alert.
 */
export function splitErrors(error: unknown, fields: readonly string[], client: FieldErrors = {}) {
  const fieldErrors: FieldErrors = {};
  const extra: string[] = [];
  if (error instanceof ApiError) {
    for (const [field, message] of Object.entries(error.fieldErrors)) {
      if (fields.includes(field)) fieldErrors[field] = message;
      else extra.push(`${field}: ${message}`);
    }
  }
  for (const [k, v] of Object.entries(client)) if (v) fieldErrors[k] = v;
  return { fieldErrors, formError: error ?? null, extra };
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.values(errors).some(Boolean);
}

/** Read `token` from the URL fragment (`#token=…`), falling back to the query string. */
export function tokenFromLocation(loc: { hash: string; search: string }): string | null {
  const hash = new URLSearchParams(loc.hash.replace(/^#/, ""));
  const fromHash = hash.get("token");
  if (fromHash) return fromHash;
  return new URLSearchParams(loc.search).get("token");
}
