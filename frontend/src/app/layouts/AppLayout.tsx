import { useEffect, useRef, useState } from "react";
import { Link, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { Alert } from "../../components/Feedback";
import { Icon, type IconName } from "../../components/Icon";
import { toast } from "../../components/Toast";
import { useMe, useResendVerification, useSignOut } from "../../features/auth/api";
import { ThemeSwitcher } from "../../features/settings/ThemeSwitcher";
import { errorMessage } from "../../lib/problem";
import { getThemePreference, isTheme, setThemePreference } from "../../lib/theme";
import { Brand } from "./PublicLayout";

const NAV: { to: string; label: string; icon: IconName; end?: boolean }[] = [
  { to: "/dashboard", label: "Dashboard", icon: "dashboard" },
  { to: "/practice", label: "Practice", icon: "play", end: true },
  { to: "/library", label: "Library", icon: "library" },
  { to: "/history", label: "History", icon: "history" },
  { to: "/settings/profile", label: "Settings", icon: "settings" },
];

function NavItems({ isAdmin, onNavigate }: { isAdmin: boolean; onNavigate?: () => void }) {
  const { pathname } = useLocation();
  return (
    <nav aria-label="Main">
      <ul className="nav-list">
        {NAV.map((item) => (
          <li key={item.to}>
            <NavLink
              to={item.to}
              end={item.end}
              className="nav-link"
              onClick={onNavigate}
              aria-current={item.to.startsWith("/settings") && pathname.startsWith("/settings") ? "page" : undefined}
            >
              <Icon name={item.icon} />
              {item.label}
            </NavLink>
          </li>
        ))}
      </ul>
      {isAdmin ? (
        <>
          <div className="nav-section-label">Admin</div>
          <ul className="nav-list">
            <li>
              <NavLink to="/admin/questions" className="nav-link" onClick={onNavigate}>
                <Icon name="shield" />
                Question bank
              </NavLink>
            </li>
          </ul>
        </>
      ) : null}
    </nav>
  );
}

function AccountFooter() {
  const me = useMe();
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <div className="sidebar-footer">
      <ThemeSwitcher />
      <div className="small muted" style={{ overflowWrap: "anywhere", padding: "0 0.25rem" }}>
        {me.data?.display_name ? <div style={{ color: "var(--text)", fontWeight: 600 }}>{me.data.display_name}</div> : null}
        {me.data?.email}
      </div>
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        style={{ justifyContent: "flex-start" }}
        onClick={() => signOut.mutate(undefined, { onSettled: () => navigate("/signin", { replace: true }) })}
        disabled={signOut.isPending}
      >
        <Icon name="logout" />
        Sign out
      </button>
    </div>
  );
}

function VerifyBanner() {
  const me = useMe();
  const resend = useResendVerification();
  if (!me.data || me.data.email_verified) return null;
  return (
    <div style={{ marginBottom: "var(--space-5)" }}>
      <Alert
        tone="warning"
        title="Please verify your email"
        actions={
          resend.isSuccess ? (
            <span className="small">Sent — check your inbox.</span>
          ) : (
            <button
              type="button"
              className="btn btn-sm"
              onClick={() => resend.mutate(undefined, { onError: (e) => toast(errorMessage(e)) })}
              disabled={resend.isPending}
            >
              Resend verification email
            </button>
          )
        }
      >
        We sent a link to <strong>{me.data.email}</strong>. Verifying keeps your account recoverable.
      </Alert>
    </div>
  );
}

/** Adopt the account's saved theme once per sign-in (the account is the source of truth across devices). */
function useAccountThemeSync() {
  const me = useMe();
  const synced = useRef<string | null>(null);
  useEffect(() => {
    const user = me.data;
    if (!user || synced.current === user.id) return;
    synced.current = user.id;
    if (isTheme(user.theme) && user.theme !== getThemePreference()) setThemePreference(user.theme);
  }, [me.data]);
}

export function AppLayout() {
  const me = useMe();
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const location = useLocation();
  const isAdmin = me.data?.role === "admin";
  useAccountThemeSync();

  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setMenuOpen(false);
        menuButton.current?.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [menuOpen]);

  const practising = location.pathname.startsWith("/practice");

  return (
    <div className="app-shell">
      <a className="skip-link" href="#main-content">
        Skip to main content
      </a>
      <aside className="sidebar" aria-label="Sidebar">
        <Brand to="/dashboard" />
        <NavItems isAdmin={isAdmin} />
        <AccountFooter />
      </aside>
      {menuOpen ? (
        <div className="mobile-nav">
          <button type="button" className="mobile-nav-backdrop" aria-label="Close menu" tabIndex={-1} onClick={() => setMenuOpen(false)} />
          <div className="mobile-nav-panel" role="dialog" aria-modal="true" aria-label="Menu">
            <div className="row-between">
              <Brand to="/dashboard" />
              <button type="button" className="btn btn-ghost icon-btn" onClick={() => setMenuOpen(false)} aria-label="Close menu" autoFocus>
                <Icon name="x" />
              </button>
            </div>
            <NavItems isAdmin={isAdmin} onNavigate={() => setMenuOpen(false)} />
            <AccountFooter />
          </div>
        </div>
      ) : null}
      <div className="app-main-col">
        <header className="topbar">
          <button
            ref={menuButton}
            type="button"
            className="btn btn-ghost icon-btn menu-button"
            aria-label="Open menu"
            aria-expanded={menuOpen}
            onClick={() => setMenuOpen(true)}
          >
            <Icon name="menu" />
          </button>
          <Brand to="/dashboard" />
          <div className="topbar-spacer" />
          {practising ? null : (
            <Link to="/practice" className="btn btn-primary btn-sm" aria-label="Start practice">
              <Icon name="play" size={16} />
              <span className="hide-xs">Start practice</span>
            </Link>
          )}
        </header>
        <main id="main-content" className="app-content">
          <div className="container">
            <VerifyBanner />
            <Outlet />
          </div>
        </main>
      </div>
    </div>
  );
}
