//! `interviewos export-training-data`: answers and their evaluations as JSON lines, for improving the
//! grader. Answers whose author had opted out when submitting (or has opted out since) are excluded,
//! and no personal data (emails, names, ids of users) is written.
use std::io::Write;

use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::{answers, evaluations, questions, users};

pub async fn export(db: &DatabaseConnection, out: &mut impl Write) -> anyhow::Result<usize> {
    let opted_out: std::collections::HashSet<uuid::Uuid> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(
            users::Column::TrainingOptOut
                .eq(true)
                .or(users::Column::DeletedAt.is_not_null()),
        )
        .into_tuple::<uuid::Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut written = 0;
    let mut after: Option<uuid::Uuid> = None;
    loop {
        let mut q = answers::Entity::find()
            .filter(answers::Column::TrainingOptOut.eq(false))
            .order_by_asc(answers::Column::Id)
            .limit(500);
        if let Some(a) = after {
            q = q.filter(answers::Column::Id.gt(a));
        }
        let batch = q.find_also_related(evaluations::Entity).all(db).await?;
        let Some((last, _)) = batch.last() else { break };
        after = Some(last.id);
        for (a, e) in batch {
            if opted_out.contains(&a.user_id) {
                continue;
            }
            let Some(e) = e.filter(|e| e.status == "completed") else {
                continue;
            };
            let Some(q) = questions::Entity::find_by_id(a.question_id).one(db).await? else {
                continue;
            };
            let line = serde_json::json!({
                "question": {"slug": q.slug, "version": q.version, "category": q.category, "prompt": q.prompt},
                "answer": {"text": a.text, "duration_seconds": a.duration_seconds, "mode": a.mode},
                "evaluation": {
                    "overall_score": e.overall_score,
                    "dimensions": e.dimensions,
                    "key_points": e.key_points,
                    "evaluator": e.evaluator,
                    "prompt_version": e.prompt_version,
                }
            });
            writeln!(out, "{line}")?;
            written += 1;
        }
    }
    Ok(written)
}
