import { useState, type FormEvent } from "react";
import { Link, useLocation } from "react-router";
import { Button } from "../../components/Button";
import { Alert } from "../../components/Feedback";
import { PasswordField } from "../../components/Field";
import { PageHeading, useDocumentTitle } from "../../components/Page";
import { authStore } from "../../lib/auth-store";
import { hasErrors, splitErrors, tokenFromLocation, validateNewPassword, type FieldErrors } from "../../lib/forms";
import { useResetPassword } from "./api";
import { FormAlert } from "./FormAlert";

export function ResetPasswordPage() {
  useDocumentTitle("Choose a new password");
  const location = useLocation();
  const [token] = useState(() => tokenFromLocation(location));
  const reset = useResetPassword();
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const { fieldErrors, formError, extra } = splitErrors(reset.error, ["password", "confirm"], clientErrors);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const errors: FieldErrors = {
      password: validateNewPassword(password) ?? undefined,
      confirm: confirm !== password ? "The passwords don't match." : undefined,
    };
    setClientErrors(errors);
    if (hasErrors(errors) || !token) return;
    reset.mutate(
      { token, password },
      {
        onSuccess: () => {
          // Every session was revoked by the reset, including this browser's.
          if (authStore.getState().status === "authenticated") authStore.clear(null);
          window.history.replaceState(null, "", window.location.pathname);
        },
      },
    );
  }

  return (
    <div className="auth-page">
      <div className="card auth-card">
        <PageHeading>Choose a new password</PageHeading>
        {!token ? (
          <Alert tone="error" title="This link is incomplete">
            The reset link is missing its token. Open the link from the email again, or <Link to="/forgot-password">request a new one</Link>.
          </Alert>
        ) : reset.isSuccess ? (
          <div className="stack">
            <Alert tone="success" title="Password changed">
              You've been signed out everywhere. Sign in with your new password.
            </Alert>
            <Link className="btn btn-primary" to="/signin?reset=1">
              Sign in
            </Link>
          </div>
        ) : (
          <div className="stack">
            <FormAlert error={formError} extra={extra} />
            {formError ? (
              <p className="small" style={{ margin: 0 }}>
                Link expired? <Link to="/forgot-password">Request a new one</Link>.
              </p>
            ) : null}
            <form className="form" onSubmit={onSubmit} noValidate>
              <PasswordField label="New password" name="password" autoComplete="new-password" hint="At least 8 characters." value={password} onChange={(e) => setPassword(e.target.value)} error={fieldErrors.password} required />
              <PasswordField label="Confirm new password" name="confirm" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={fieldErrors.confirm} required />
              <Button type="submit" variant="primary" size="lg" block loading={reset.isPending} loadingText="Saving…">
                Change password
              </Button>
            </form>
          </div>
        )}
      </div>
    </div>
  );
}
