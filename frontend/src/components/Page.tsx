import { useEffect, useRef, type ReactNode } from "react";
import { useLocation } from "react-router";

const APP_NAME = "InterviewOS";

export function useDocumentTitle(title: string | null | undefined) {
  useEffect(() => {
    if (!title) return;
    document.title = `${title} · ${APP_NAME}`;
  }, [title]);
}

let initialPathname: string | null = null;
let lastFocusedPathname: string | null = null;

/** Test helper. */
export function resetRouteFocus() {
  initialPathname = null;
  lastFocusedPathname = null;
}

/**
 * The page's main heading. After client-side navigation to a new path it receives focus, so keyboard and
 * screen-reader users land at the start of the new page (and hear its name). The first page load is left alone.
 */
export function PageHeading({ children, className }: { children: ReactNode; className?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const { pathname } = useLocation();
  useEffect(() => {
    if (initialPathname === null) {
      initialPathname = pathname;
      lastFocusedPathname = pathname;
      return;
    }
    if (lastFocusedPathname !== pathname) {
      lastFocusedPathname = pathname;
      ref.current?.focus({ preventScroll: false });
    }
  }, [pathname]);
  return (
    <h1 ref={ref} tabIndex={-1} className={className}>
      {children}
    </h1>
  );
}

export function PageHeader({
  title,
  documentTitle,
  lead,
  actions,
  breadcrumbs,
}: {
  title: ReactNode;
  documentTitle?: string;
  lead?: ReactNode;
  actions?: ReactNode;
  breadcrumbs?: ReactNode;
}) {
  useDocumentTitle(documentTitle ?? (typeof title === "string" ? title : null));
  return (
    <header className="page-header">
      <div>
        {breadcrumbs ? <nav aria-label="Breadcrumb" className="breadcrumbs">{breadcrumbs}</nav> : null}
        <PageHeading>{title}</PageHeading>
        {lead ? <p className="lead">{lead}</p> : null}
      </div>
      {actions ? <div className="page-header-actions">{actions}</div> : null}
    </header>
  );
}
