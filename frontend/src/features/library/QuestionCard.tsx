import { Link } from "react-router";
import type { QuestionSummary } from "../../api/types";
import { CategoryBadge, DifficultyBadge } from "../../components/Score";
import { formatDuration, humanize } from "../../lib/format";

export function QuestionCard({ question }: { question: QuestionSummary }) {
  return (
    <li style={{ margin: 0 }}>
      <Link to={`/library/${question.id}`} className="card card-tight card-link question-card">
        <div className="badges">
          <CategoryBadge category={question.category} />
          <DifficultyBadge difficulty={question.difficulty} />
          {question.industry ? <span className="badge">{humanize(question.industry)}</span> : null}
        </div>
        <p className="prompt">{question.prompt}</p>
        <div className="small muted">
          {(question.topics ?? []).slice(0, 4).map(humanize).join(" · ")}
          {question.time_limit_seconds ? ` · ${formatDuration(question.time_limit_seconds)} suggested` : ""}
        </div>
      </Link>
    </li>
  );
}
