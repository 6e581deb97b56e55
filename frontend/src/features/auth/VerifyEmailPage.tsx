import { useEffect, useRef, useState } from "react";
import { Link, useLocation } from "react-router";
import { Alert, LoadingBlock } from "../../components/Feedback";
import { PageHeading, useDocumentTitle } from "../../components/Page";
import { tokenFromLocation } from "../../lib/forms";
import { errorMessage } from "../../lib/problem";
import { useAuth, useResendVerification, useVerifyEmail } from "./api";

export function VerifyEmailPage() {
  useDocumentTitle("Verify your email");
  const location = useLocation();
  const [token] = useState(() => tokenFromLocation(location));
  const verify = useVerifyEmail();
  const resend = useResendVerification();
  const { status } = useAuth();
  const started = useRef(false);

  useEffect(() => {
    if (!token || started.current) return;
    started.current = true;
    verify.mutate(token, {
      // Don't leave the token in the address bar or history.
      onSettled: () => window.history.replaceState(null, "", window.location.pathname),
    });
  }, [token, verify]);

  return (
    <div className="auth-page">
      <div className="card auth-card">
        <PageHeading>Verify your email</PageHeading>
        {!token ? (
          <Alert tone="error" title="This link is incomplete">
            The verification link is missing its token. Open the link from the email again.
          </Alert>
        ) : verify.isSuccess ? (
          <div className="stack">
            <Alert tone="success" title="Email verified">
              Thanks — your email address is confirmed.
            </Alert>
            <Link className="btn btn-primary" to={status === "authenticated" ? "/dashboard" : "/signin"}>
              {status === "authenticated" ? "Go to your dashboard" : "Sign in"}
            </Link>
          </div>
        ) : verify.isError ? (
          <div className="stack">
            <Alert tone="error" title="We couldn't verify this link">
              {errorMessage(verify.error)}
            </Alert>
            {status === "authenticated" ? (
              resend.isSuccess ? (
                <Alert tone="success">A new link is on its way.</Alert>
              ) : (
                <button type="button" className="btn" onClick={() => resend.mutate()} disabled={resend.isPending}>
                  Send a new verification email
                </button>
              )
            ) : (
              <p>
                <Link to="/signin">Sign in</Link> to request a new link.
              </p>
            )}
          </div>
        ) : (
          <LoadingBlock label="Verifying your email…" />
        )}
      </div>
    </div>
  );
}
