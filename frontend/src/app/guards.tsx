import type { ReactNode } from "react";
import { Navigate, Outlet, useLocation, useSearchParams } from "react-router";
import { LoadingBlock } from "../components/Feedback";
import { useAuth } from "../features/auth/api";

/** Only signed-in users; others go to sign-in and come back afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, signedOutReason, purgeAfter } = useAuth();
  const location = useLocation();
  if (status === "unknown") return <LoadingBlock label="Restoring your session…" />;
  if (status === "anonymous" && signedOutReason === "deleted") {
    const params = new URLSearchParams({ deleted: "1" });
    if (purgeAfter) params.set("erase_by", purgeAfter.slice(0, 10));
    return <Navigate to={`/signin?${params.toString()}`} replace />;
  }
  // A deliberate sign-out (here or "everywhere") lands on a clean sign-in page, not "come back to …".
  if (status === "anonymous" && signedOutReason === "signed_out") return <Navigate to="/signin" replace />;
  if (status === "anonymous") {
    const next = location.pathname + location.search;
    const params = new URLSearchParams({ next });
    if (signedOutReason === "expired") params.set("expired", "1");
    return <Navigate to={`/signin?${params.toString()}`} replace />;
  }
  return <>{children}</>;
}

/** Sign-in / sign-up pages bounce signed-in users to where they were going. */
export function RedirectIfAuthenticated() {
  const { status } = useAuth();
  const [params] = useSearchParams();
  if (status === "unknown") return <LoadingBlock />;
  if (status === "authenticated") return <Navigate to={safeNext(params.get("next"))} replace />;
  return <Outlet />;
}

/** Only same-site relative paths are followed after sign-in (no open redirect). */
export function safeNext(next: string | null | undefined, fallback = "/dashboard"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}
