import { useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { CATEGORIES, DIFFICULTIES, type Category, type Difficulty } from "../../api/types";
import { Button } from "../../components/Button";
import { EmptyState, Skeleton, UnavailableState } from "../../components/Feedback";
import { SelectField, TextField } from "../../components/Field";
import { PageHeader } from "../../components/Page";
import { categoryLabel, difficultyLabel, humanize } from "../../lib/format";
import { useDebouncedValue } from "../../lib/use-debounce";
import { INDUSTRIES, useQuestions, useRoles, type QuestionFilters } from "./api";
import { QuestionCard } from "./QuestionCard";

export function LibraryPage() {
  const [params, setParams] = useSearchParams();
  const roles = useRoles();
  const [search, setSearch] = useState(params.get("q") ?? "");
  const [topic, setTopic] = useState(params.get("topic") ?? "");
  const debouncedSearch = useDebouncedValue(search.trim(), 300);
  const debouncedTopic = useDebouncedValue(topic.trim().toLowerCase(), 300);

  const filters: QuestionFilters = {
    role: params.get("role") || undefined,
    category: (params.get("category") as Category) || undefined,
    difficulty: (params.get("difficulty") as Difficulty) || undefined,
    industry: params.get("industry") || undefined,
    topic: params.get("topic") || undefined,
    q: params.get("q") || undefined,
  };

  function setParam(key: string, value: string | undefined) {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  }

  // Text inputs update the URL after a pause in typing.
  useEffect(() => {
    if ((params.get("q") ?? "") !== debouncedSearch) setParam("q", debouncedSearch || undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debouncedSearch]);
  useEffect(() => {
    if ((params.get("topic") ?? "") !== debouncedTopic) setParam("topic", debouncedTopic || undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debouncedTopic]);

  const questions = useQuestions(filters);
  const items = questions.data?.pages.flatMap((p) => p.items) ?? [];
  const anyFilter = Object.values(filters).some(Boolean);

  // Infinite scroll: load the next page when the sentinel scrolls into view (the button stays for keyboard users).
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = questions;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage || typeof IntersectionObserver === "undefined") return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    io.observe(el);
    return () => io.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <>
      <PageHeader title="Question library" lead="Browse questions and cases by role, category, difficulty and topic. Open one to read it or practise it on its own." />

      <section aria-labelledby="roles-heading" className="stack-sm" style={{ marginBottom: "var(--space-5)" }}>
        <h2 id="roles-heading" className="visually-hidden">
          Roles
        </h2>
        {roles.isError ? <UnavailableState error={roles.error} what="The question library" /> : null}
        <div className="role-chip-list" role="group" aria-label="Filter by role">
          <button type="button" className="role-chip" aria-pressed={!filters.role} onClick={() => setParam("role", undefined)}>
            All roles
          </button>
          {roles.isPending
            ? [1, 2, 3, 4].map((i) => <Skeleton key={i} width={120} height={36} />)
            : roles.data?.map((r) => (
                <button key={r.id} type="button" className="role-chip" aria-pressed={filters.role === r.slug} onClick={() => setParam("role", filters.role === r.slug ? undefined : r.slug)} title={r.description}>
                  {r.name}
                  <span className="muted" style={{ marginLeft: 6, fontWeight: 500 }} aria-label={`${r.question_count} questions`}>
                    {r.question_count}
                  </span>
                </button>
              ))}
        </div>
      </section>

      <form className="card card-tight filters" role="search" aria-label="Filter questions" onSubmit={(e) => e.preventDefault()} style={{ marginBottom: "var(--space-5)" }}>
        <div className="search-field">
          <TextField label="Search" type="search" placeholder="Search questions, e.g. “conflict” or “indexing”" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <SelectField
          label="Category"
          value={filters.category ?? ""}
          onChange={(e) => setParam("category", e.target.value || undefined)}
          options={[{ value: "", label: "All categories" }, ...CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) }))]}
        />
        <SelectField
          label="Difficulty"
          value={filters.difficulty ?? ""}
          onChange={(e) => setParam("difficulty", e.target.value || undefined)}
          options={[{ value: "", label: "Any difficulty" }, ...DIFFICULTIES.map((d) => ({ value: d, label: difficultyLabel(d) }))]}
        />
        <SelectField
          label="Industry"
          value={filters.industry ?? ""}
          onChange={(e) => setParam("industry", e.target.value || undefined)}
          options={[{ value: "", label: "Any industry" }, ...INDUSTRIES.map((i) => ({ value: i, label: humanize(i) }))]}
        />
        <TextField label="Topic" placeholder="e.g. databases" value={topic} onChange={(e) => setTopic(e.target.value)} />
      </form>

      <section aria-labelledby="results-heading" aria-busy={questions.isFetching}>
        <div className="row-between" style={{ marginBottom: "var(--space-3)" }}>
          <h2 id="results-heading" style={{ margin: 0, fontSize: "1.05rem" }}>
            Questions
          </h2>
          {anyFilter ? (
            <button
              type="button"
              className="link-button small"
              onClick={() => {
                setSearch("");
                setTopic("");
                setParams(new URLSearchParams(), { replace: true });
              }}
            >
              Clear filters
            </button>
          ) : null}
        </div>
        <div aria-live="polite" className="visually-hidden">
          {questions.isSuccess ? `${items.length}${questions.hasNextPage ? "+" : ""} questions shown` : ""}
        </div>
        {questions.isError ? (
          <UnavailableState error={questions.error} what="Question search" />
        ) : questions.isPending ? (
          <div className="grid-2">
            {[1, 2, 3, 4].map((i) => (
              <Skeleton key={i} height={130} />
            ))}
          </div>
        ) : items.length === 0 ? (
          <EmptyState title="No questions match" icon="search">
            <p>Try removing a filter or searching for a broader term.</p>
          </EmptyState>
        ) : (
          <>
            <ul className="grid-2 list-plain" style={{ opacity: questions.isPlaceholderData ? 0.6 : 1 }}>
              {items.map((q) => (
                <QuestionCard key={q.id} question={q} />
              ))}
            </ul>
            <div ref={sentinel} />
            {questions.hasNextPage ? (
              <div style={{ textAlign: "center", marginTop: "var(--space-5)" }}>
                <Button onClick={() => questions.fetchNextPage()} loading={questions.isFetchingNextPage} loadingText="Loading more…">
                  Load more questions
                </Button>
              </div>
            ) : (
              <p className="small muted" style={{ textAlign: "center", marginTop: "var(--space-5)" }}>
                That's all {items.length} matching question{items.length === 1 ? "" : "s"}.
              </p>
            )}
          </>
        )}
      </section>
    </>
  );
}
