import { useState, type FormEvent } from "react";
import { CATEGORIES, DIFFICULTIES, type AdminQuestionInput, type Category, type Difficulty, type QuestionSpec, type Role } from "../../api/types";
import { Button } from "../../components/Button";
import { ErrorAlert } from "../../components/Feedback";
import { SelectField, TextareaField, TextField } from "../../components/Field";
import { categoryLabel, difficultyLabel, humanize } from "../../lib/format";
import { hasErrors, type FieldErrors } from "../../lib/forms";
import { ApiError } from "../../lib/problem";
import { INDUSTRIES } from "../library/api";
import type { QuestionPatch } from "./api";

type KeyPoint = QuestionSpec["key_points"][number];
type CaseData = NonNullable<QuestionSpec["case"]>;

function keyPointsToText(points: KeyPoint[] | undefined): string {
  return (points ?? []).map((p) => `${p.point}${p.keywords.length ? ` | ${p.keywords.join(", ")}` : ""}`).join("\n");
}

function textToKeyPoints(text: string): KeyPoint[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [point, kw = ""] = line.split("|");
      return { point: point.trim(), keywords: kw.split(",").map((k) => k.trim()).filter(Boolean) };
    });
}

const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
const SLUG = /^[a-z0-9-]{1,64}$/;

/** Rubric keys per category: the grader's evaluation dimensions (the server requires exactly these). */
export const RUBRIC_KEYS: Record<Category, string[]> = {
  behavioral: ["structure", "relevance", "specificity", "impact", "reflection", "communication"],
  situational: ["structure", "relevance", "specificity", "impact", "reflection", "communication"],
  technical: ["correctness", "depth", "tradeoffs", "clarity"],
  system_design: ["correctness", "depth", "tradeoffs", "clarity"],
  product: ["user_focus", "prioritisation", "metrics", "structure"],
  case: ["structure", "hypothesis", "quantitative", "insight", "synthesis", "communication"],
  estimation: ["assumptions", "arithmetic", "sanity_check"],
};

function rubricToText(category: Category, rubric: Record<string, string> = {}): string {
  const keys = [...RUBRIC_KEYS[category], ...Object.keys(rubric).filter((k) => !RUBRIC_KEYS[category].includes(k))];
  return keys.map((k) => `${k}: ${rubric[k] ?? ""}`.trimEnd()).join("\n");
}

function parseRubric(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    const key = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (key && value) out[key] = value;
  }
  return out;
}

/** Map server field paths (e.g. "key_points.2", "case.exhibits.0") onto this form's fields. */
function serverErrors(error: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!(error instanceof ApiError)) return out;
  for (const [field, message] of Object.entries(error.fieldErrors)) {
    const root = field.split(/[.[]/)[0];
    const text = field === root ? message : `${field}: ${message}`;
    out[root] = out[root] ? `${out[root]} ${text}` : text;
  }
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Create a question (full spec) or edit one loaded from `GET /admin/questions/{id}` (sends only what changed). */
export function QuestionForm({
  initial,
  roles,
  onCancel,
  saving,
  error,
  onCreate,
  onUpdate,
}: {
  initial?: QuestionSpec | null;
  roles: Role[];
  saving: boolean;
  error: unknown;
  onCreate: (body: AdminQuestionInput) => void;
  onUpdate: (patch: QuestionPatch) => void;
  onCancel: () => void;
}) {
  const initialCategory = initial?.category ?? "behavioral";
  const [slug, setSlug] = useState(initial?.id ?? "");
  const [prompt, setPrompt] = useState(initial?.prompt ?? "");
  const [category, setCategory] = useState<Category>(initialCategory);
  const [difficulty, setDifficulty] = useState<Difficulty>(initial?.difficulty ?? "medium");
  const [roleList, setRoleList] = useState((initial?.roles ?? []).join(", "));
  const [topics, setTopics] = useState((initial?.topics ?? []).join(", "));
  const [industry, setIndustry] = useState(initial?.industry ?? "");
  const [timeLimit, setTimeLimit] = useState(String(initial?.time_limit_seconds ?? 180));
  const [keyPoints, setKeyPoints] = useState(keyPointsToText(initial?.key_points));
  const [modelAnswer, setModelAnswer] = useState(initial?.model_answer ?? "");
  const [followUp, setFollowUp] = useState(initial?.follow_up ?? "");
  const [rubric, setRubric] = useState(rubricToText(initialCategory, initial?.rubric));
  const [caseJson, setCaseJson] = useState(initial?.case ? JSON.stringify(initial.case, null, 2) : "");
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const errors = { ...serverErrors(error), ...Object.fromEntries(Object.entries(clientErrors).filter(([, v]) => v)) };
  const industries: readonly string[] = industry && !(INDUSTRIES as readonly string[]).includes(industry) ? [industry, ...INDUSTRIES] : INDUSTRIES;

  function changeCategory(next: Category) {
    // Keep what was written for the dimensions both categories share; add lines for the new ones.
    setRubric(rubricToText(next, Object.fromEntries(Object.entries(parseRubric(rubric)).filter(([k]) => RUBRIC_KEYS[next].includes(k)))));
    setCategory(next);
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const t = Number(timeLimit);
    let parsedCase: CaseData | null = null;
    let caseError: string | undefined;
    if (caseJson.trim()) {
      try {
        parsedCase = JSON.parse(caseJson) as CaseData;
      } catch {
        caseError = "Case must be valid JSON.";
      }
    }
    const known = new Set(roles.map((r) => r.slug));
    const unknownRoles = list(roleList).filter((r) => known.size && !known.has(r));
    const topicList = list(topics).map((x) => x.toLowerCase());
    const points = textToKeyPoints(keyPoints);
    const rubricMap = parseRubric(rubric);
    const missingRubric = RUBRIC_KEYS[category].filter((k) => !rubricMap[k] || rubricMap[k].length < 10);
    const extraRubric = Object.keys(rubricMap).filter((k) => !RUBRIC_KEYS[category].includes(k));
    const v: FieldErrors = {
      id: initial || SLUG.test(slug) ? undefined : "Use 1–64 lowercase letters, digits or dashes, e.g. pm-031.",
      prompt: prompt.trim().length < 15 ? "Write the question in full (at least 15 characters)." : undefined,
      roles: list(roleList).length === 0 ? "Add at least one role slug." : unknownRoles.length ? `Unknown role: ${unknownRoles.join(", ")}` : undefined,
      topics: topicList.length === 0 || topicList.length > 8 || topicList.some((x) => !SLUG.test(x)) ? "Add 1–8 kebab-case topics, e.g. conflict, stakeholder-management." : undefined,
      time_limit_seconds: Number.isInteger(t) && t >= 30 && t <= 1800 ? undefined : "Between 30 and 1800 seconds.",
      key_points:
        points.length < 2 || points.length > 8
          ? "Add 2–8 key points, one per line."
          : points.some((p) => !p.keywords.length)
            ? "Give every key point at least one keyword after a “|”."
            : undefined,
      model_answer: modelAnswer.trim().length < 80 ? "Write a full model answer (at least 80 characters)." : undefined,
      rubric: missingRubric.length
        ? `Describe what excellent looks like (10+ characters) for: ${missingRubric.join(", ")}.`
        : extraRubric.length
          ? `Not a ${categoryLabel(category).toLowerCase()} dimension: ${extraRubric.join(", ")}.`
          : undefined,
      case: caseError ?? (category === "case" && !parsedCase ? "Cases need a case block (JSON)." : category !== "case" && parsedCase ? "Only case questions have a case block." : undefined),
    };
    setClientErrors(v);
    if (hasErrors(v)) return;
    const body: AdminQuestionInput = {
      id: initial?.id ?? slug,
      prompt: prompt.trim(),
      category,
      difficulty,
      roles: list(roleList),
      topics: topicList,
      industry: industry || null,
      time_limit_seconds: t,
      key_points: points,
      model_answer: modelAnswer.trim(),
      rubric: rubricMap,
      follow_up: followUp.trim() || null,
      case: parsedCase,
    };
    if (!initial) {
      onCreate(body);
      return;
    }
    // PATCH only what changed: the server merges it into the stored spec and validates the whole.
    const patch: QuestionPatch = {};
    const set = <K extends keyof QuestionPatch>(k: K, value: QuestionPatch[K]) => {
      if (!same(value, initial[k])) patch[k] = value;
    };
    set("prompt", body.prompt);
    set("category", body.category);
    set("difficulty", body.difficulty);
    set("roles", body.roles);
    set("topics", body.topics);
    set("industry", body.industry);
    set("time_limit_seconds", body.time_limit_seconds);
    set("key_points", body.key_points);
    set("model_answer", body.model_answer);
    set("rubric", body.rubric);
    set("follow_up", body.follow_up);
    set("case", body.case);
    onUpdate(patch);
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label={initial ? "Edit question" : "New question"}>
      {error ? <ErrorAlert error={error} /> : null}
      {initial ? (
        <p className="small muted" style={{ margin: 0 }}>
          Editing <code>{initial.id}</code> (version {initial.version ?? 1}). If it has been answered, saving creates a new version; past answers keep theirs.
        </p>
      ) : (
        <TextField label="Question id" hint="Stable slug, e.g. pm-031" value={slug} onChange={(e) => setSlug(e.target.value.trim())} error={errors.id} />
      )}
      <TextareaField label="Prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} error={errors.prompt} rows={3} />
      <div className="grid-3">
        <SelectField
          label="Category"
          value={category}
          onChange={(e) => changeCategory(e.target.value as Category)}
          error={errors.category}
          options={CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) }))}
        />
        <SelectField label="Difficulty" value={difficulty} onChange={(e) => setDifficulty(e.target.value as Difficulty)} error={errors.difficulty} options={DIFFICULTIES.map((d) => ({ value: d, label: difficultyLabel(d) }))} />
        <TextField label="Time limit (seconds)" type="number" min={30} max={1800} value={timeLimit} onChange={(e) => setTimeLimit(e.target.value)} error={errors.time_limit_seconds} />
      </div>
      <TextField
        label="Roles"
        hint={`Comma-separated slugs, e.g. ${roles.slice(0, 2).map((r) => r.slug).join(", ") || "product-manager"}`}
        value={roleList}
        onChange={(e) => setRoleList(e.target.value)}
        error={errors.roles}
      />
      <div className="grid-2">
        <TextField label="Topics" hint="1–8 kebab-case tags, comma-separated" value={topics} onChange={(e) => setTopics(e.target.value)} error={errors.topics} />
        <SelectField label="Industry" value={industry} onChange={(e) => setIndustry(e.target.value)} error={errors.industry} options={[{ value: "", label: "None" }, ...industries.map((i) => ({ value: i, label: humanize(i) }))]} />
      </div>
      <TextareaField label="Key points" hint="2–8 lines: the point | keyword, keyword" value={keyPoints} onChange={(e) => setKeyPoints(e.target.value)} error={errors.key_points} rows={5} />
      <TextareaField label="Model answer" hint="A complete strong answer (at least 80 characters)." value={modelAnswer} onChange={(e) => setModelAnswer(e.target.value)} error={errors.model_answer} rows={6} />
      <TextareaField
        label="Rubric"
        hint="One line per dimension: “key: what excellent looks like”."
        value={rubric}
        onChange={(e) => setRubric(e.target.value)}
        error={errors.rubric}
        rows={Math.max(3, RUBRIC_KEYS[category].length)}
      />
      <TextField label="Follow-up question" hint="Optional: what an interviewer would ask next." value={followUp} onChange={(e) => setFollowUp(e.target.value)} error={errors.follow_up} />
      <TextareaField
        label="Case block (JSON, cases only)"
        hint="case_type, client, clarifying_facts, exhibits, inputs, calculations, expected_structure, synthesis"
        value={caseJson}
        onChange={(e) => setCaseJson(e.target.value)}
        error={errors.case}
        rows={caseJson ? 8 : 3}
        className="mono"
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={saving} loadingText="Saving…">
          {initial ? "Save changes" : "Create question"}
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}
