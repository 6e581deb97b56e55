import { Link, useSearchParams } from "react-router";
import { useSessionList, type SessionListFilters } from "../../api/sessions";
import type { SessionListItem } from "../../api/types";
import { Button, buttonClass } from "../../components/Button";
import { EmptyState, Skeleton, UnavailableState } from "../../components/Feedback";
import { SelectField } from "../../components/Field";
import { PageHeader } from "../../components/Page";
import { ScoreBadge } from "../../components/Score";
import { formatDateTime } from "../../lib/format";
import { useRoles } from "../library/api";

function SessionRow({ s }: { s: SessionListItem }) {
  const open = s.status === "in_progress";
  const answered = s.answered_count ?? 0;
  const total = s.question_count ?? 0;
  return (
    <tr>
      <th scope="row">
        <Link to={open ? `/practice/${s.id}` : `/sessions/${s.id}`}>{s.role?.name ?? "Practice session"}</Link>
        <div className="small muted">{s.mode === "voice" ? "Voice" : "Text"}</div>
      </th>
      <td className="nowrap">{formatDateTime(s.started_at)}</td>
      <td className="num">
        {answered} / {total}
      </td>
      <td className="num">
        <ScoreBadge score={s.average_score} />
      </td>
      <td>{open ? <span className="badge badge-warning">In progress</span> : <span className="badge badge-success">Completed</span>}</td>
      <td>
        <Link className={buttonClass("secondary", "sm")} to={open ? `/practice/${s.id}` : `/sessions/${s.id}`}>
          {open ? "Continue" : "View"}
          <span className="visually-hidden"> session from {formatDateTime(s.started_at)}</span>
        </Link>
      </td>
    </tr>
  );
}

export function HistoryPage() {
  const [params, setParams] = useSearchParams();
  const roles = useRoles();
  const filters: SessionListFilters = {
    status: (params.get("status") as SessionListFilters["status"]) || undefined,
    role: params.get("role") || undefined,
  };
  const list = useSessionList(filters);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  function setParam(key: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  }

  return (
    <>
      <PageHeader
        title="History"
        lead="Every practice session, with its answers and feedback."
        actions={
          <Link className={buttonClass("primary")} to="/practice">
            New session
          </Link>
        }
      />
      <form className="card card-tight filters" aria-label="Filter sessions" onSubmit={(e) => e.preventDefault()} style={{ marginBottom: "var(--space-5)" }}>
        <SelectField
          label="Status"
          value={filters.status ?? ""}
          onChange={(e) => setParam("status", e.target.value)}
          options={[
            { value: "", label: "All sessions" },
            { value: "in_progress", label: "In progress" },
            { value: "completed", label: "Completed" },
          ]}
        />
        <SelectField
          label="Role"
          value={filters.role ?? ""}
          onChange={(e) => setParam("role", e.target.value)}
          options={[{ value: "", label: "All roles" }, ...(roles.data ?? []).map((r) => ({ value: r.slug, label: r.name }))]}
        />
      </form>

      {list.isError ? (
        <UnavailableState error={list.error} what="Session history" />
      ) : list.isPending ? (
        <div className="stack-sm">
          {[1, 2, 3].map((i) => (
            <Skeleton key={i} height={56} />
          ))}
        </div>
      ) : items.length === 0 ? (
        <EmptyState
          title={filters.status || filters.role ? "No sessions match these filters" : "No practice sessions yet"}
          icon="history"
          action={
            <Link className={buttonClass("primary")} to="/practice">
              Start your first session
            </Link>
          }
        >
          <p>Your sessions, answers and feedback will appear here.</p>
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Practice sessions</caption>
              <thead>
                <tr>
                  <th scope="col">Role</th>
                  <th scope="col">Started</th>
                  <th scope="col" className="num">
                    Answered
                  </th>
                  <th scope="col" className="num">
                    Score
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((s) => (
                  <SessionRow key={s.id} s={s} />
                ))}
              </tbody>
            </table>
          </div>
          {list.hasNextPage ? (
            <div style={{ textAlign: "center", marginTop: "var(--space-4)" }}>
              <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage} loadingText="Loading…">
                Load older sessions
              </Button>
            </div>
          ) : null}
        </>
      )}
    </>
  );
}
