/** application/problem+json errors, normalised into one error type the UI can render. */

export interface FieldErrorItem {
  field: string;
  message: string;
}

export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string | null;
  code?: string;
  errors?: FieldErrorItem[] | null;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  /** Field errors keyed by the form field name (see {@link fieldKey}). */
  readonly fieldErrors: Record<string, string>;
  /** Seconds, from the Retry-After header (429 / 503). */
  readonly retryAfter: number | null;

  constructor(init: {
    status: number;
    code: string;
    title: string;
    detail: string;
    fieldErrors?: Record<string, string>;
    retryAfter?: number | null;
  }) {
    super(init.detail || init.title);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.fieldErrors = init.fieldErrors ?? {};
    this.retryAfter = init.retryAfter ?? null;
  }

  get isNotAvailable(): boolean {
    return this.status === 404 || this.status === 405 || this.status === 501 || this.status === 503;
  }
}

/**
 * Map a server field path to the form's field name: "body.password", "/password", "password" → "password";
 * "key_points[0].point" stays as is (nested forms look them up by full path).
 */
export function fieldKey(field: string): string {
  let f = field.trim();
  if (f.startsWith("/")) f = f.slice(1).replaceAll("/", ".");
  if (f.startsWith("body.")) f = f.slice(5);
  return f;
}

const STATUS_TITLES: Record<number, string> = {
  400: "The request could not be understood",
  401: "Please sign in again",
  402: "Plan limit reached",
  403: "You don't have access to this",
  404: "Not found",
  409: "Conflict",
  413: "That's too large",
  415: "Unsupported content",
  422: "Please check the highlighted fields",
  429: "Too many attempts",
  500: "Something went wrong on our side",
  502: "The service is temporarily unavailable",
  503: "The service is temporarily unavailable",
};

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, Math.round(secs));
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, Math.round((date - Date.now()) / 1000));
  return null;
}

function isProblem(body: unknown): body is ProblemBody {
  return typeof body === "object" && body !== null && ("title" in body || "detail" in body || "code" in body);
}

/** Build an ApiError from an error body (parsed JSON or text) and its response. */
export function toApiError(body: unknown, response?: Response): ApiError {
  const status = response?.status ?? (isProblem(body) && typeof body.status === "number" ? body.status : 0);
  const retryAfter = parseRetryAfter(response?.headers.get("Retry-After") ?? null);
  if (isProblem(body)) {
    const fieldErrors: Record<string, string> = {};
    for (const e of body.errors ?? []) {
      if (!e || typeof e.field !== "string") continue;
      const key = fieldKey(e.field);
      // keep the first message per field; they are usually the most specific
      if (!(key in fieldErrors)) fieldErrors[key] = e.message;
    }
    const title = body.title || STATUS_TITLES[status] || "Request failed";
    let detail = body.detail || title;
    if (retryAfter != null && (status === 429 || status === 503) && !/\btry again\b/i.test(detail)) {
      detail = `${detail} Try again in ${formatWait(retryAfter)}.`;
    }
    return new ApiError({ status, code: body.code || codeFor(status), title, detail, fieldErrors, retryAfter });
  }
  const title = STATUS_TITLES[status] || "Request failed";
  const text = typeof body === "string" && body.length > 0 && body.length < 300 && !body.trimStart().startsWith("<") ? body : "";
  return new ApiError({ status, code: codeFor(status), title, detail: text || title, retryAfter });
}

export function networkError(cause?: unknown): ApiError {
  const err = new ApiError({
    status: 0,
    code: "network_error",
    title: "Can't reach InterviewOS",
    detail: "We couldn't reach the server. Check your connection and try again.",
  });
  if (cause) (err as { cause?: unknown }).cause = cause;
  return err;
}

function codeFor(status: number): string {
  switch (status) {
    case 401:
      return "unauthenticated";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 429:
      return "rate_limited";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "internal_error" : "request_failed";
  }
}

export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const m = Math.ceil(seconds / 60);
  return `${m} minute${m === 1 ? "" : "s"}`;
}

/** A human sentence for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong. Please try again.";
}

export function isApiError(error: unknown, code?: string | number): error is ApiError {
  if (!(error instanceof ApiError)) return false;
  if (code === undefined) return true;
  return typeof code === "number" ? error.status === code : error.code === code;
}
