import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { PageHeading, useDocumentTitle } from "../components/Page";

function isChunkError(error: unknown): boolean {
  return error instanceof Error && /dynamically imported module|Importing a module script failed|Failed to fetch dynamically/i.test(error.message);
}

export function RouteError() {
  const error = useRouteError();
  useDocumentTitle("Something went wrong");
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFound />;
  const chunk = isChunkError(error);
  return (
    <main id="main-content" className="error-page">
      <p className="error-code" aria-hidden="true">
        {chunk ? "↻" : "!"}
      </p>
      <PageHeading>{chunk ? "A new version is available" : "Something went wrong"}</PageHeading>
      <p className="muted">
        {chunk
          ? "InterviewOS was updated since this page loaded. Reload to get the latest version."
          : "An unexpected error stopped this page from loading. Your answers and drafts are saved."}
      </p>
      <div className="row" style={{ justifyContent: "center" }}>
        <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
          Reload
        </button>
        <a className="btn" href="/">
          Go home
        </a>
      </div>
    </main>
  );
}

export function NotFound() {
  useDocumentTitle("Page not found");
  return (
    <main id="main-content" className="error-page">
      <p className="error-code" aria-hidden="true">
        404
      </p>
      <PageHeading>Page not found</PageHeading>
      <p className="muted">The page you were looking for doesn't exist or has moved.</p>
      <div className="row" style={{ justifyContent: "center" }}>
        <Link className="btn btn-primary" to="/dashboard">
          Go to your dashboard
        </Link>
        <Link className="btn" to="/">
          Home
        </Link>
      </div>
    </main>
  );
}
