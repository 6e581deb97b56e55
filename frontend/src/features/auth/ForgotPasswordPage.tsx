import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { Button } from "../../components/Button";
import { Alert } from "../../components/Feedback";
import { TextField } from "../../components/Field";
import { PageHeading, useDocumentTitle } from "../../components/Page";
import { splitErrors, validateEmail } from "../../lib/forms";
import { useForgotPassword } from "./api";
import { FormAlert } from "./FormAlert";

export function ForgotPasswordPage() {
  useDocumentTitle("Reset your password");
  const forgot = useForgotPassword();
  const [email, setEmail] = useState("");
  const [clientError, setClientError] = useState<string | undefined>();
  const { fieldErrors, formError, extra } = splitErrors(forgot.error, ["email"], { email: clientError });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const err = validateEmail(email) ?? undefined;
    setClientError(err);
    if (err) return;
    forgot.mutate(email.trim());
  }

  return (
    <div className="auth-page">
      <div className="card auth-card">
        <PageHeading>Reset your password</PageHeading>
        {forgot.isSuccess ? (
          <div className="stack">
            <Alert tone="success" title="Check your inbox">
              If an account exists for <strong>{email.trim()}</strong>, we've sent a link to reset the password. It expires soon, so use it
              today.
            </Alert>
            <Link to="/signin">Back to sign in</Link>
          </div>
        ) : (
          <div className="stack">
            <p className="muted" style={{ margin: 0 }}>
              Enter the email you signed up with and we'll send you a link to choose a new password.
            </p>
            <FormAlert error={formError} extra={extra} />
            <form className="form" onSubmit={onSubmit} noValidate>
              <TextField label="Email" type="email" name="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={fieldErrors.email} required />
              <Button type="submit" variant="primary" block size="lg" loading={forgot.isPending} loadingText="Sending…">
                Send reset link
              </Button>
            </form>
            <p className="auth-alt">
              Remembered it? <Link to="/signin">Sign in</Link>
            </p>
          </div>
        )}
      </div>
    </div>
  );
}
