import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { safeNext } from "../../app/guards";
import { Button } from "../../components/Button";
import { PasswordField, TextField } from "../../components/Field";
import { PageHeading, useDocumentTitle } from "../../components/Page";
import { hasErrors, splitErrors, validateEmail, validateNewPassword, type FieldErrors } from "../../lib/forms";
import { useRegister } from "./api";
import { FormAlert } from "./FormAlert";

export function SignUpPage() {
  useDocumentTitle("Create your account");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const register = useRegister();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const { fieldErrors, formError, extra } = splitErrors(register.error, ["email", "password"], clientErrors);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const errors: FieldErrors = { email: validateEmail(email) ?? undefined, password: validateNewPassword(password) ?? undefined };
    setClientErrors(errors);
    if (hasErrors(errors)) return;
    register.mutate(
      { email: email.trim(), password },
      { onSuccess: () => navigate(safeNext(params.get("next"), "/dashboard?welcome=1"), { replace: true }) },
    );
  }

  return (
    <div className="auth-page">
      <div className="card auth-card">
        <PageHeading>Create your account</PageHeading>
        <p className="muted">Practise real interview questions and get detailed feedback in seconds. Free to start.</p>
        <div className="stack">
          <FormAlert error={formError} extra={extra} />
          <form className="form" onSubmit={onSubmit} noValidate>
            <TextField label="Email" type="email" name="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={fieldErrors.email} required />
            <PasswordField
              label="Password"
              name="password"
              autoComplete="new-password"
              hint="At least 8 characters. Avoid common passwords."
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              error={fieldErrors.password}
              required
            />
            <p className="small muted" style={{ margin: 0 }}>
              By creating an account you agree to our <Link to="/terms">terms</Link> and <Link to="/privacy">privacy policy</Link>.
            </p>
            <Button type="submit" variant="primary" size="lg" block loading={register.isPending} loadingText="Creating account…">
              Create account
            </Button>
          </form>
        </div>
        <p className="auth-alt">
          Already have an account? <Link to="/signin">Sign in</Link>
        </p>
      </div>
    </div>
  );
}
