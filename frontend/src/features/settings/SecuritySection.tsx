import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { Button } from "../../components/Button";
import { Alert, ErrorAlert, LoadingBlock, UnavailableState } from "../../components/Feedback";
import { Dialog } from "../../components/Dialog";
import { PasswordField } from "../../components/Field";
import { refreshSession } from "../../lib/api-client";
import { authStore } from "../../lib/auth-store";
import { formatDateTime, humanize } from "../../lib/format";
import { hasErrors, splitErrors, validateNewPassword, type FieldErrors } from "../../lib/forms";
import { useActivity, useChangePassword, useLogoutAll } from "./api";

function ChangePassword() {
  const change = useChangePassword();
  const navigate = useNavigate();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const { fieldErrors, formError, extra } = splitErrors(change.error, ["current_password", "new_password", "confirm"], clientErrors);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const errors: FieldErrors = {
      current_password: current ? undefined : "Enter your current password.",
      new_password: validateNewPassword(next) ?? (next === current && next ? "Choose a password different from the current one." : undefined),
      confirm: confirm === next ? undefined : "The passwords don't match.",
    };
    setClientErrors(errors);
    if (hasErrors(errors)) return;
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: async () => {
          setCurrent("");
          setNext("");
          setConfirm("");
          // A password change revokes other sessions; keep this one if the server allows it, else sign in again.
          const ok = await refreshSession();
          if (!ok) {
            authStore.clear(null);
            navigate("/signin?reset=1", { replace: true });
          }
        },
      },
    );
  }

  return (
    <section className="card stack" aria-labelledby="password-heading">
      <h2 id="password-heading">Change password</h2>
      {change.isSuccess ? <Alert tone="success">Password changed. Other devices have been signed out.</Alert> : null}
      {formError ? <ErrorAlert error={formError}>{extra.length ? extra.join("; ") : null}</ErrorAlert> : null}
      <form className="form" onSubmit={onSubmit} noValidate style={{ maxWidth: 480 }}>
        <PasswordField label="Current password" name="current_password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={fieldErrors.current_password} />
        <PasswordField label="New password" name="new_password" autoComplete="new-password" hint="At least 8 characters." value={next} onChange={(e) => setNext(e.target.value)} error={fieldErrors.new_password} />
        <PasswordField label="Confirm new password" name="confirm" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={fieldErrors.confirm} />
        <div className="form-actions">
          <Button type="submit" variant="primary" loading={change.isPending} loadingText="Changing…">
            Change password
          </Button>
        </div>
      </form>
    </section>
  );
}

function SignOutEverywhere() {
  const logoutAll = useLogoutAll();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  return (
    <section className="card stack" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Signed-in devices</h2>
      <p className="muted" style={{ margin: 0 }}>
        Lost a device or signed in on a shared computer? Sign out everywhere, including here.
      </p>
      <div>
        <Button onClick={() => setOpen(true)}>Sign out everywhere</Button>
      </div>
      <Dialog open={open} onClose={() => setOpen(false)} title="Sign out on every device?">
        <p style={{ margin: 0 }}>You'll need to sign in again on every device, including this one.</p>
        {logoutAll.isError ? <ErrorAlert error={logoutAll.error} /> : null}
        <div className="dialog-actions">
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button
            variant="danger"
            loading={logoutAll.isPending}
            onClick={() =>
              logoutAll.mutate(undefined, {
                onSuccess: () => {
                  authStore.clear("signed_out");
                  navigate("/signin", { replace: true });
                },
              })
            }
          >
            Sign out everywhere
          </Button>
        </div>
      </Dialog>
    </section>
  );
}

/** Plain-language names for the activity kinds the API documents; unknown kinds are humanised. */
const ACTIVITY_LABELS: Record<string, string> = {
  registered: "Account created",
  login: "Signed in",
  login_failed: "Failed sign-in attempt",
  logout: "Signed out",
  logout_all: "Signed out everywhere",
  refresh_token_reused: "Suspicious session reuse — all devices signed out",
  email_verified: "Email verified",
  password_changed: "Password changed",
  password_reset_requested: "Password reset requested",
  password_reset: "Password reset",
  data_exported: "Data exported",
  account_deleted: "Account deleted",
  plan_changed: "Plan changed",
  admin_created: "Administrator access granted",
};

export function activityLabel(kind: string): string {
  return ACTIVITY_LABELS[kind] ?? humanize(kind);
}

function describeAgent(ua: string | null | undefined): string {
  if (!ua) return "Unknown device";
  const browser = /Edg\//.test(ua) ? "Edge" : /Chrome\//.test(ua) ? "Chrome" : /Firefox\//.test(ua) ? "Firefox" : /Safari\//.test(ua) ? "Safari" : null;
  const os = /Windows/.test(ua) ? "Windows" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : null;
  if (browser || os) return [browser, os].filter(Boolean).join(" on ");
  return ua.length > 60 ? `${ua.slice(0, 57)}…` : ua;
}

function Activity() {
  const activity = useActivity();
  const items = activity.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="card stack" aria-labelledby="activity-heading">
      <h2 id="activity-heading">Recent account activity</h2>
      {activity.isPending ? (
        <LoadingBlock />
      ) : activity.isError ? (
        <UnavailableState error={activity.error} what="Account activity" />
      ) : items.length === 0 ? (
        <p className="muted">No activity recorded yet.</p>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Sign-ins and security events</caption>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">When</th>
                  <th scope="col">Device</th>
                  <th scope="col">IP address</th>
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.id}>
                    <th scope="row" className={a.kind === "login_failed" || a.kind === "refresh_token_reused" ? "activity-warning" : undefined}>
                      {activityLabel(a.kind)}
                    </th>
                    <td className="nowrap">{formatDateTime(a.created_at)}</td>
                    <td title={a.user_agent ?? undefined}>{describeAgent(a.user_agent)}</td>
                    <td>{a.ip ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {activity.hasNextPage ? (
            <div>
              <Button size="sm" onClick={() => activity.fetchNextPage()} loading={activity.isFetchingNextPage}>
                Show older activity
              </Button>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}

export function SecuritySection() {
  return (
    <>
      <ChangePassword />
      <SignOutEverywhere />
      <Activity />
    </>
  );
}
