import { describe, expect, it } from "vitest";
import { splitErrors, tokenFromLocation, utf8Length, validateNewPassword } from "./forms";
import { ApiError, fieldKey, toApiError } from "./problem";

describe("problem+json", () => {
  it("maps field errors to form field names", () => {
    const res = new Response(null, { status: 422 });
    const err = toApiError(
      {
        type: "about:blank",
        title: "Validation failed",
        status: 422,
        detail: "The request has invalid fields.",
        code: "validation_failed",
        errors: [
          { field: "password", message: "This password is too common." },
          { field: "body.email", message: "Not a valid email." },
          { field: "/question_count", message: "Must be between 1 and 20." },
          { field: "password", message: "second message is ignored" },
        ],
      },
      res,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.code).toBe("validation_failed");
    expect(err.detail).toBe("The request has invalid fields.");
    expect(err.fieldErrors).toEqual({ password: "This password is too common.", email: "Not a valid email.", question_count: "Must be between 1 and 20." });
  });

  it("adds Retry-After to rate-limit messages", () => {
    const res = new Response(null, { status: 429, headers: { "Retry-After": "90" } });
    const err = toApiError({ title: "Too many requests", status: 429, detail: "Too many sign-in attempts.", code: "rate_limited" }, res);
    expect(err.retryAfter).toBe(90);
    expect(err.detail).toBe("Too many sign-in attempts. Try again in 2 minutes.");
  });

  it("falls back to a status title for non-problem bodies", () => {
    const err = toApiError("<html>Bad gateway</html>", new Response(null, { status: 502 }));
    expect(err.detail).toBe("The service is temporarily unavailable");
    expect(err.code).toBe("internal_error");
  });

  it("normalises field paths", () => {
    expect(fieldKey("body.password")).toBe("password");
    expect(fieldKey("/case/exhibits")).toBe("case.exhibits");
    expect(fieldKey("key_points[0].point")).toBe("key_points[0].point");
  });

  it("splits errors between fields and the form alert", () => {
    const err = new ApiError({ status: 422, code: "validation_failed", title: "Invalid", detail: "Invalid", fieldErrors: { password: "Too common", other: "Nope" } });
    const { fieldErrors, extra, formError } = splitErrors(err, ["email", "password"], { email: "Enter your email address." });
    expect(fieldErrors).toEqual({ password: "Too common", email: "Enter your email address." });
    expect(extra).toEqual(["other: Nope"]);
    expect(formError).toBe(err);
  });

  it("validates new passwords by UTF-8 bytes like the server", () => {
    expect(validateNewPassword("short")).toMatch(/at least 8/);
    expect(validateNewPassword("long enough")).toBeNull();
    expect(utf8Length("é".repeat(40))).toBe(80);
    expect(validateNewPassword("é".repeat(40))).toMatch(/72 bytes/);
  });

  it("reads tokens from the URL fragment", () => {
    expect(tokenFromLocation({ hash: "#token=abc.def", search: "" })).toBe("abc.def");
    expect(tokenFromLocation({ hash: "", search: "?token=xyz" })).toBe("xyz");
    expect(tokenFromLocation({ hash: "", search: "" })).toBeNull();
  });
});
