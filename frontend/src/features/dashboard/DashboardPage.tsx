import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useSessionList } from "../../api/sessions";
import type { Progress, ProgressQuery } from "../../api/types";
import { buttonClass } from "../../components/Button";
import { BarChart, LineChart, RadarChart } from "../../components/charts/Charts";
import { Alert, EmptyState, Skeleton, UnavailableState } from "../../components/Feedback";
import { SelectField } from "../../components/Field";
import { Icon } from "../../components/Icon";
import { PageHeader } from "../../components/Page";
import { CategoryBadge, DifficultyBadge, ScoreBadge } from "../../components/Score";
import { formatDate, formatPracticeTime, formatRelative, humanize, utcDateDaysAgo } from "../../lib/format";
import { useMe } from "../auth/api";
import { useUsage } from "../billing/api";
import { UsageMeter } from "../billing/PlanCards";
import { useRoles } from "../library/api";
import { useProgress } from "./api";

/** `week` is the Monday starting the ISO week, as a UTC date (`YYYY-MM-DD`). */
function weekLabel(week: string): string {
  const d = new Date(`${week}T00:00:00Z`);
  if (!Number.isNaN(d.getTime())) return d.toLocaleDateString(undefined, { day: "numeric", month: "short", timeZone: "UTC" });
  return week;
}

const PERIODS = [
  { value: "", label: "All time" },
  { value: "30", label: "Last 30 days" },
  { value: "90", label: "Last 90 days" },
  { value: "365", label: "Last 12 months" },
];

function Trend({ value }: { value: number | null | undefined }) {
  if (value == null) return null;
  if (Math.abs(value) < 0.1) return <span className="small muted">steady</span>;
  const up = value > 0;
  return (
    <span className="small" style={{ color: up ? "var(--success)" : "var(--danger)", fontWeight: 650 }}>
      <span aria-hidden="true">{up ? "▲" : "▼"}</span> {Math.abs(value).toFixed(1)}
      <span className="visually-hidden">{up ? " improving" : " declining"} over the last 4 weeks</span>
    </span>
  );
}

function NextPractice({ progress, role }: { progress: Progress | undefined; role: string }) {
  const rec = progress?.recommended_questions?.[0];
  const weakest = progress?.weakest?.[0];
  const q = rec?.question;
  // Recommendations come from the filtered role, else the role practised most.
  const focusRole = role || progress?.by_role?.[0]?.key || "";
  const practiceRole = q && q.roles.includes(focusRole) ? focusRole : q?.roles[0];
  return (
    <section className="card stack" aria-labelledby="next-heading" style={{ background: "linear-gradient(135deg, var(--primary-soft), var(--surface) 70%)" }}>
      <div className="row-between" style={{ flexWrap: "nowrap" }}>
        <h2 id="next-heading" style={{ margin: 0 }}>
          Next recommended practice
        </h2>
        <Icon name="target" size={22} />
      </div>
      {rec && q ? (
        <>
          <p className="muted" style={{ margin: 0 }}>
            {rec.reason}.
            {weakest ? (
              <>
                {" "}
                Your weakest skill right now is <strong>{weakest.name}</strong> ({weakest.average.toFixed(1)}/10).
              </>
            ) : null}
          </p>
          <div className="badges">
            <CategoryBadge category={q.category} />
            <DifficultyBadge difficulty={q.difficulty} />
          </div>
          <p style={{ margin: 0, fontWeight: 600 }}>{q.prompt}</p>
          <div className="row">
            <Link className={buttonClass("primary")} to={`/practice?question=${encodeURIComponent(q.id)}${practiceRole ? `&role=${encodeURIComponent(practiceRole)}` : ""}`}>
              <Icon name="play" /> Practise this
            </Link>
            <Link className={buttonClass("ghost")} to={`/library/${q.id}`}>
              Read it first
            </Link>
          </div>
        </>
      ) : (
        <>
          <p className="muted" style={{ margin: 0 }}>
            A quick five-question session is the best way to warm up. We'll recommend questions that target your weakest skills as you go.
          </p>
          <div>
            <Link className={buttonClass("primary")} to="/practice">
              <Icon name="play" /> Start a session
            </Link>
          </div>
        </>
      )}
    </section>
  );
}

/** Scores are never regraded: when the range mixes grader versions, say where the scale changed. */
function GraderNote({ graders }: { graders: Progress["graders"] }) {
  if (graders.length < 2) return null;
  const latest = graders[graders.length - 1];
  return (
    <p className="small muted" role="note" style={{ marginTop: "0.5rem" }}>
      Scores from {formatDate(latest.first_at)} on come from an updated grader, which checks claims and figures more
      strictly. Earlier scores were kept as they were given, so the two periods are not directly comparable.
    </p>
  );
}

function ProgressCharts({ progress, filtered }: { progress: Progress; filtered: boolean }) {
  const timeline = progress.timeline.map((t) => ({ label: weekLabel(t.week), value: t.average_score ?? null }));
  const dims = progress.dimensions.map((d) => ({ label: d.name, value: d.average }));
  const categories = progress.by_category.filter((c) => c.average_score != null);
  if (!timeline.some((t) => t.value != null) && !dims.length) {
    return filtered ? (
      <EmptyState title="No evaluated answers in this selection" icon="chart">
        <p>Try another role or a longer period.</p>
      </EmptyState>
    ) : (
      <EmptyState title="Your progress charts appear after your first evaluated answers" icon="chart">
        <p>Answer a few questions and we'll chart your scores week by week and skill by skill.</p>
      </EmptyState>
    );
  }
  const trends = progress.dimensions.filter((d) => d.trend != null && Math.abs(d.trend) >= 0.1).sort((a, b) => Math.abs(b.trend ?? 0) - Math.abs(a.trend ?? 0));
  return (
    <div className="grid-2" style={{ alignItems: "start" }}>
      <section className="card" aria-labelledby="trend-heading">
        <h2 id="trend-heading">Score trend</h2>
        <p className="small muted">Average overall score per week, out of 100</p>
        <LineChart data={timeline} title="Average score per week" height={300} />
        <GraderNote graders={progress.graders} />
      </section>
      <section className="card" aria-labelledby="dims-heading">
        <h2 id="dims-heading">Skills</h2>
        <p className="small muted">Average per dimension, out of 10</p>
        {dims.length >= 3 ? <RadarChart data={dims} title="Average score by skill" /> : <BarChart data={dims} title="Average score by skill" />}
        {trends.length ? (
          <ul className="list-plain small" style={{ marginTop: "var(--space-3)" }} aria-label="Biggest changes over the last 4 weeks">
            {trends.slice(0, 4).map((d) => (
              <li key={d.key} className="row-between">
                <span>{d.name}</span>
                <Trend value={d.trend} />
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      {categories.length ? (
        <section className="card" aria-labelledby="cat-heading">
          <h2 id="cat-heading">By category</h2>
          <p className="small muted">Average overall score, out of 100</p>
          <BarChart data={categories.map((c) => ({ label: c.name, value: c.average_score ?? 0 }))} max={100} digits={0} title="Average score by category" valueLabel="Average (out of 100)" />
        </section>
      ) : null}
      {progress.by_role.length ? (
        <section className="card" aria-labelledby="role-heading">
          <h2 id="role-heading">By role</h2>
          <ul className="list-plain list-divided">
            {progress.by_role.map((r) => (
              <li key={r.key} className="row-between">
                <span>{r.name}</span>
                <span className="row" style={{ gap: 8 }}>
                  <span className="small muted">
                    {r.answers} answer{r.answers === 1 ? "" : "s"}
                  </span>
                  <ScoreBadge score={r.average_score} />
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {progress.weakest.length ? (
        <section className="card" aria-labelledby="focus-heading">
          <h2 id="focus-heading">Focus areas</h2>
          <p className="small muted">Your lowest-scoring skills, out of 10</p>
          <ol className="list-plain list-divided">
            {progress.weakest.map((d) => (
              <li key={d.key} className="row-between">
                <span>{d.name}</span>
                <span className="row" style={{ gap: 10 }}>
                  <Trend value={d.trend} />
                  <strong>{d.average.toFixed(1)}</strong>
                </span>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      {progress.recommended_questions.length > 1 ? (
        <section className="card" aria-labelledby="recs-heading">
          <h2 id="recs-heading">Recommended questions</h2>
          <ul className="list-plain list-divided">
            {progress.recommended_questions.slice(1).map((r) => (
              <li key={r.question.id} className="stack-sm">
                <Link to={`/library/${r.question.id}`} style={{ fontWeight: 600 }}>
                  {r.question.prompt.length > 110 ? `${r.question.prompt.slice(0, 107)}…` : r.question.prompt}
                </Link>
                <span className="small muted">{r.reason}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

function ProgressFilters({ role, period, onRole, onPeriod }: { role: string; period: string; onRole: (v: string) => void; onPeriod: (v: string) => void }) {
  const roles = useRoles();
  return (
    <form className="progress-filters" aria-label="Filter progress" onSubmit={(e) => e.preventDefault()}>
      <SelectField label="Role" value={role} onChange={(e) => onRole(e.target.value)} options={[{ value: "", label: "All roles" }, ...(roles.data ?? []).map((r) => ({ value: r.slug, label: r.name }))]} />
      <SelectField label="Period" value={period} onChange={(e) => onPeriod(e.target.value)} options={PERIODS} />
    </form>
  );
}

export function DashboardPage() {
  const me = useMe();
  const [params] = useSearchParams();
  const [role, setRole] = useState("");
  const [period, setPeriod] = useState("");
  const filter: ProgressQuery = { role: role || undefined, from: period ? utcDateDaysAgo(Number(period) - 1) : undefined };
  const progress = useProgress(filter);
  const usage = useUsage();
  const recent = useSessionList({}, 5);
  const recentItems = recent.data?.pages[0]?.items ?? [];
  const name = me.data?.display_name?.trim();
  const p = progress.data;

  return (
    <>
      <PageHeader title={name ? `Welcome back, ${name.split(" ")[0]}` : "Dashboard"} documentTitle="Dashboard" lead="Pick up your practice, check your allowance and see how you're improving." />
      <div className="stack-lg">
        {params.get("welcome") ? (
          <Alert tone="success" title="Welcome to InterviewOS!">
            Your account is ready. We've emailed you a link to verify your address — meanwhile, try your first practice session.
          </Alert>
        ) : null}

        <div className="grid-2">
          <NextPractice progress={p} role={role} />
          <section className="card stack" aria-labelledby="usage-heading">
            <div className="row-between">
              <h2 id="usage-heading" style={{ margin: 0 }}>
                Your plan
              </h2>
              {usage.data ? <span className="badge badge-primary">{humanize(usage.data.plan)}</span> : null}
            </div>
            {usage.isPending ? (
              <Skeleton height={40} />
            ) : usage.isError ? (
              <UnavailableState error={usage.error} what="Usage" />
            ) : (
              <UsageMeter used={usage.data.answers_used} limit={usage.data.answers_limit} periodEnd={usage.data.period_end} />
            )}
            <Link to="/settings/billing" className="small">
              Manage plan
            </Link>
          </section>
        </div>

        <section aria-labelledby="progress-heading" className="stack">
          <div className="row-between" style={{ alignItems: "end" }}>
            <h2 id="progress-heading" style={{ margin: 0 }}>
              Your progress
            </h2>
            <ProgressFilters role={role} period={period} onRole={setRole} onPeriod={setPeriod} />
          </div>
          {p ? (
            <div aria-label="Totals" role="group" className="stats-grid" aria-busy={progress.isPlaceholderData || undefined}>
              <div className="card card-tight stat">
                <span className="stat-label">Answers</span>
                <span className="stat-value">{p.totals.answers}</span>
                <span className="stat-sub">
                  {p.totals.sessions} session{p.totals.sessions === 1 ? "" : "s"}
                </span>
              </div>
              <div className="card card-tight stat">
                <span className="stat-label">Average score</span>
                <span className="stat-value">{p.average_score != null ? Math.round(p.average_score) : "—"}</span>
                <span className="stat-sub">out of 100</span>
              </div>
              <div className="card card-tight stat">
                <span className="stat-label">Current streak</span>
                <span className="stat-value">
                  {p.streak.current_days} <Icon name="flame" size={20} />
                </span>
                <span className="stat-sub">
                  day{p.streak.current_days === 1 ? "" : "s"} · best {p.streak.longest_days}
                </span>
              </div>
              <div className="card card-tight stat">
                <span className="stat-label">Practice time</span>
                <span className="stat-value">{formatPracticeTime(p.totals.practice_seconds)}</span>
                <span className="stat-sub">spent answering</span>
              </div>
            </div>
          ) : null}
          {progress.isPending ? (
            <div className="grid-2">
              <Skeleton height={260} />
              <Skeleton height={260} />
            </div>
          ) : progress.isError ? (
            <UnavailableState error={progress.error} what="Progress tracking" />
          ) : (
            <ProgressCharts progress={progress.data} filtered={!!(role || period)} />
          )}
        </section>

        <section className="card" aria-labelledby="recent-heading">
          <div className="card-header">
            <h2 id="recent-heading">Recent sessions</h2>
            <Link to="/history" className="small">
              View all
            </Link>
          </div>
          {recent.isPending ? (
            <div className="stack-sm">
              <Skeleton height={20} />
              <Skeleton height={20} />
            </div>
          ) : recent.isError ? (
            <UnavailableState error={recent.error} what="Session history" />
          ) : recentItems.length === 0 ? (
            <p className="muted" style={{ margin: 0 }}>
              No sessions yet. <Link to="/practice">Start your first one</Link> — it takes about ten minutes.
            </p>
          ) : (
            <ul className="list-plain list-divided">
              {recentItems.map((s) => (
                <li key={s.id} className="row-between">
                  <div>
                    <Link to={s.status === "in_progress" ? `/practice/${s.id}` : `/sessions/${s.id}`} style={{ fontWeight: 600 }}>
                      {s.role?.name ?? "Practice session"}
                    </Link>
                    <div className="small muted">
                      <span title={formatDate(s.started_at)}>{formatRelative(s.started_at)}</span> · {s.answered_count ?? 0} of {s.question_count ?? 0} answered
                    </div>
                  </div>
                  {s.status === "in_progress" ? <span className="badge badge-warning">In progress</span> : <ScoreBadge score={s.average_score} />}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}
