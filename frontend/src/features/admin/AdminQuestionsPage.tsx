import { useState } from "react";
import { Link } from "react-router";
import type { Category } from "../../api/types";
import { CATEGORIES } from "../../api/types";
import { Button } from "../../components/Button";
import { Alert, EmptyState, ErrorAlert, LoadingBlock } from "../../components/Feedback";
import { Dialog } from "../../components/Dialog";
import { SelectField, TextField } from "../../components/Field";
import { Icon } from "../../components/Icon";
import { PageHeader } from "../../components/Page";
import { CategoryBadge, DifficultyBadge } from "../../components/Score";
import { toast } from "../../components/Toast";
import { categoryLabel } from "../../lib/format";
import { useDebouncedValue } from "../../lib/use-debounce";
import { useMe } from "../auth/api";
import { useQuestions, useRoles } from "../library/api";
import { useCreateQuestion, useDeleteQuestion, useQuestionSpec, useUpdateQuestion } from "./api";
import { QuestionForm } from "./QuestionForm";

function Editor({ id, onDone }: { id: string | null; onDone: () => void }) {
  const roles = useRoles();
  const existing = useQuestionSpec(id ?? undefined);
  const create = useCreateQuestion();
  const update = useUpdateQuestion();
  const save = id ? update : create;
  if (id && existing.isPending) return <LoadingBlock label="Loading question…" />;
  if (id && existing.isError) return <ErrorAlert error={existing.error} onRetry={() => existing.refetch()} />;
  return (
    <QuestionForm
      initial={id ? existing.data : null}
      roles={roles.data ?? []}
      saving={save.isPending}
      error={save.error}
      onCancel={onDone}
      onCreate={(body) =>
        create.mutate(body, {
          onSuccess: () => {
            toast("Question created");
            onDone();
          },
        })
      }
      onUpdate={(patch) => {
        if (!id) return;
        if (Object.keys(patch).length === 0) {
          toast("No changes to save");
          onDone();
          return;
        }
        update.mutate(
          { id, patch },
          {
            onSuccess: (q) => {
              toast(q.id !== id ? `Question updated (now version ${q.version})` : "Question updated");
              onDone();
            },
          },
        );
      }}
    />
  );
}

export function AdminQuestionsPage() {
  const me = useMe();
  const [search, setSearch] = useState("");
  const [category, setCategory] = useState<Category | "">("");
  const q = useDebouncedValue(search.trim(), 300);
  const questions = useQuestions({ q: q || undefined, category: category || undefined }, 50);
  const del = useDeleteQuestion();
  const [editing, setEditing] = useState<string | null | undefined>(undefined); // undefined = closed, null = new
  const [deleting, setDeleting] = useState<{ id: string; prompt: string } | null>(null);
  const items = questions.data?.pages.flatMap((p) => p.items) ?? [];

  if (me.data && me.data.role !== "admin") {
    return (
      <>
        <PageHeader title="Question bank" />
        <Alert tone="error" title="Admins only">
          You don't have access to question management. <Link to="/dashboard">Back to your dashboard</Link>.
        </Alert>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Question bank"
        lead="Create, edit and retire questions. Retired questions stay in users' history."
        actions={
          editing === undefined ? (
            <Button variant="primary" onClick={() => setEditing(null)}>
              <Icon name="plus" /> New question
            </Button>
          ) : null
        }
      />
      {editing !== undefined ? (
        <section className="card" aria-labelledby="editor-heading" style={{ marginBottom: "var(--space-5)" }}>
          <h2 id="editor-heading">{editing ? "Edit question" : "New question"}</h2>
          <Editor key={editing ?? "new"} id={editing} onDone={() => setEditing(undefined)} />
        </section>
      ) : null}

      <form className="card card-tight filters" role="search" aria-label="Find questions" onSubmit={(e) => e.preventDefault()} style={{ marginBottom: "var(--space-4)" }}>
        <div className="search-field">
          <TextField label="Search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <SelectField label="Category" value={category} onChange={(e) => setCategory(e.target.value as Category | "")} options={[{ value: "", label: "All" }, ...CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) }))]} />
      </form>

      {questions.isError ? (
        <ErrorAlert error={questions.error} onRetry={() => questions.refetch()} />
      ) : questions.isPending ? (
        <LoadingBlock />
      ) : items.length === 0 ? (
        <EmptyState title="No questions found" icon="search" />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Questions</caption>
            <thead>
              <tr>
                <th scope="col">Question</th>
                <th scope="col">Category</th>
                <th scope="col">Difficulty</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <th scope="row" style={{ fontWeight: 500, maxWidth: 520 }}>
                    <Link to={`/library/${item.id}`}>{item.prompt.length > 140 ? `${item.prompt.slice(0, 137)}…` : item.prompt}</Link>
                    <div className="small muted">{item.slug}{item.retired ? " · retired" : ""}</div>
                  </th>
                  <td>
                    <CategoryBadge category={item.category} />
                  </td>
                  <td>
                    <DifficultyBadge difficulty={item.difficulty} />
                  </td>
                  <td>
                    <div className="row" style={{ flexWrap: "nowrap", gap: 4 }}>
                      <Button size="sm" onClick={() => setEditing(item.id)}>
                        Edit<span className="visually-hidden"> question {item.slug}</span>
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => setDeleting({ id: item.id, prompt: item.prompt })}>
                        Retire<span className="visually-hidden"> question {item.slug}</span>
                      </Button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {questions.hasNextPage ? (
        <div style={{ textAlign: "center", marginTop: "var(--space-4)" }}>
          <Button onClick={() => questions.fetchNextPage()} loading={questions.isFetchingNextPage}>
            Load more
          </Button>
        </div>
      ) : null}

      <Dialog open={!!deleting} onClose={() => setDeleting(null)} title="Retire this question?">
        <p style={{ margin: 0 }}>“{deleting?.prompt}” will no longer be offered in practice. Past answers keep it.</p>
        {del.isError ? <ErrorAlert error={del.error} /> : null}
        <div className="dialog-actions">
          <Button onClick={() => setDeleting(null)}>Cancel</Button>
          <Button
            variant="danger"
            loading={del.isPending}
            onClick={() =>
              deleting &&
              del.mutate(deleting.id, {
                onSuccess: () => {
                  toast("Question retired");
                  setDeleting(null);
                },
              })
            }
          >
            Retire question
          </Button>
        </div>
      </Dialog>
    </>
  );
}
