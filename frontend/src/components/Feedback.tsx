import type { ReactNode } from "react";
import { ApiError, errorMessage } from "../lib/problem";
import { Icon, type IconName } from "./Icon";

export function Spinner({ size, label }: { size?: "sm"; label?: string }) {
  return (
    <span className={size === "sm" ? "spinner spinner-sm" : "spinner"} role={label ? "status" : undefined} aria-hidden={label ? undefined : true}>
      {label ? <span className="visually-hidden">{label}</span> : null}
    </span>
  );
}

export function LoadingBlock({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="loading-block" role="status" aria-live="polite">
      <Spinner />
      <span>{label}</span>
    </div>
  );
}

export function Skeleton({ height = 16, width = "100%", className }: { height?: number | string; width?: number | string; className?: string }) {
  return <div className={["skeleton", className].filter(Boolean).join(" ")} style={{ height, width }} aria-hidden="true" />;
}

type Tone = "error" | "success" | "warning" | "info";
const TONE_ICON: Record<Tone, IconName> = { error: "xCircle", success: "checkCircle", warning: "alert", info: "info" };

export function Alert({ tone = "info", title, children, actions, role }: { tone?: Tone; title?: ReactNode; children?: ReactNode; actions?: ReactNode; role?: "alert" | "status" }) {
  return (
    <div className={`alert alert-${tone}`} role={role ?? (tone === "error" ? "alert" : "status")}>
      <Icon name={TONE_ICON[tone]} className="alert-icon" size={20} />
      <div className="alert-body">
        {title ? <div className="alert-title">{title}</div> : null}
        {children ? <div>{children}</div> : null}
        {actions ? <div className="alert-actions">{actions}</div> : null}
      </div>
    </div>
  );
}

/** Renders any thrown value; problem+json errors show their title and detail. */
export function ErrorAlert({ error, title, onRetry, children }: { error: unknown; title?: string; onRetry?: () => void; children?: ReactNode }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const heading = title ?? (api && api.title !== api.detail ? api.title : undefined);
  return (
    <Alert
      tone="error"
      title={heading}
      actions={
        onRetry || children ? (
          <>
            {onRetry ? (
              <button type="button" className="btn btn-sm" onClick={onRetry}>
                Try again
              </button>
            ) : null}
            {children}
          </>
        ) : undefined
      }
    >
      {errorMessage(error)}
    </Alert>
  );
}

export function EmptyState({ title, children, action, icon = "sparkles" }: { title: string; children?: ReactNode; action?: ReactNode; icon?: IconName }) {
  return (
    <div className="empty-state">
      <div className="feature-icon" style={{ margin: "0 auto var(--space-3)" }}>
        <Icon name={icon} />
      </div>
      <h2 className="h3" style={{ fontSize: "1.1rem" }}>
        {title}
      </h2>
      {children ? <div>{children}</div> : null}
      {action}
    </div>
  );
}

/** A friendly panel for features whose endpoint is not live (404/501/503) yet or is switched off. */
export function UnavailableState({ error, what }: { error: unknown; what: string }) {
  const api = error instanceof ApiError ? error : null;
  if (api?.isNotAvailable) {
    return (
      <Alert tone="info" title={`${what} isn't available right now`}>
        {api.status === 503 && api.detail ? api.detail : "This part of InterviewOS is being switched on. Please check back soon."}
      </Alert>
    );
  }
  return <ErrorAlert error={error} />;
}
