import { Link, Outlet } from "react-router";
import { buttonClass } from "../../components/Button";
import { useAuth } from "../../features/auth/api";
import { ThemeSwitcher } from "../../features/settings/ThemeSwitcher";

export function Brand({ to = "/" }: { to?: string }) {
  return (
    <Link to={to} className="brand" aria-label="InterviewOS home">
      <span className="brand-mark" aria-hidden="true">
        iO
      </span>
      <span>InterviewOS</span>
    </Link>
  );
}

export function PublicLayout() {
  const { status } = useAuth();
  return (
    <>
      <a className="skip-link" href="#main-content">
        Skip to main content
      </a>
      <header className="public-header">
        <div className="container">
          <Brand />
          <nav className="public-nav" aria-label="Main">
            <Link className="plain hide-sm" to="/pricing">
              Pricing
            </Link>
            <span className="hide-sm">
              <ThemeSwitcher />
            </span>
            {status === "authenticated" ? (
              <Link className={buttonClass("primary", "sm")} to="/dashboard">
                Dashboard
              </Link>
            ) : (
              <>
                <Link className="plain" to="/signin">
                  Sign in
                </Link>
                <Link className={buttonClass("primary", "sm")} to="/signup">
                  Get started
                </Link>
              </>
            )}
          </nav>
        </div>
      </header>
      <main id="main-content">
        <Outlet />
      </main>
      <footer className="public-footer">
        <div className="container">
          <span>© {new Date().getFullYear()} InterviewOS</span>
          <nav aria-label="Footer">
            <Link to="/pricing">Pricing</Link>
            <Link to="/privacy">Privacy policy</Link>
            <Link to="/terms">Terms of service</Link>
          </nav>
        </div>
      </footer>
    </>
  );
}
