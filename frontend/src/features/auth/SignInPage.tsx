import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { Button } from "../../components/Button";
import { Alert } from "../../components/Feedback";
import { PasswordField, TextField } from "../../components/Field";
import { PageHeading, useDocumentTitle } from "../../components/Page";
import { formatDate } from "../../lib/format";
import { hasErrors, splitErrors, validateEmail, type FieldErrors } from "../../lib/forms";
import { safeNext } from "../../app/guards";
import { useLogin } from "./api";
import { FormAlert } from "./FormAlert";

export function SignInPage() {
  useDocumentTitle("Sign in");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const eraseBy = params.get("erase_by");
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const { fieldErrors, formError, extra } = splitErrors(login.error, ["email", "password"], clientErrors);
  const next = safeNext(params.get("next"));

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const errors: FieldErrors = { email: validateEmail(email) ?? undefined, password: password ? undefined : "Enter your password." };
    setClientErrors(errors);
    if (hasErrors(errors)) return;
    login.mutate({ email: email.trim(), password }, { onSuccess: () => navigate(next, { replace: true }) });
  }

  return (
    <div className="auth-page">
      <div className="card auth-card">
        <PageHeading>Sign in</PageHeading>
        <p className="muted">Welcome back. Pick up where you left off.</p>
        <div className="stack">
          {params.get("expired") ? <Alert tone="info">Your session has ended. Please sign in again.</Alert> : null}
          {params.get("reset") ? <Alert tone="success">Your password was changed. Sign in with your new password.</Alert> : null}
          {params.get("deleted") ? (
            <Alert tone="success" title="Your account was deleted">
              You've been signed out everywhere{eraseBy && /^\d{4}-\d{2}-\d{2}$/.test(eraseBy) ? ` and your data will be erased by ${formatDate(`${eraseBy}T12:00:00Z`)}` : ""}. We're sorry to see you go.
            </Alert>
          ) : null}
          <FormAlert error={formError} extra={extra} />
          <form className="form" onSubmit={onSubmit} noValidate>
            <TextField label="Email" type="email" name="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={fieldErrors.email} required />
            <PasswordField
              label="Password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              error={fieldErrors.password}
              required
            />
            <div className="row-between">
              <Link to="/forgot-password" className="small">
                Forgot your password?
              </Link>
            </div>
            <Button type="submit" variant="primary" size="lg" block loading={login.isPending} loadingText="Signing in…">
              Sign in
            </Button>
          </form>
        </div>
        <p className="auth-alt">
          New to InterviewOS? <Link to={`/signup${params.get("next") ? `?next=${encodeURIComponent(next)}` : ""}`}>Create an account</Link>
        </p>
      </div>
    </div>
  );
}
