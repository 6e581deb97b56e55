//! The durable evaluation job: grades one answer, records the result (or the failure, visibly), and
//! publishes progress to live streams.
use std::{sync::Arc, time::Instant};

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::{GradeError, Grader, GradingRequest};
use crate::{
    entities::{answers, evaluations, jobs, practice_sessions, questions, users},
    interviews::service::{answer_dto, persist_summary_if_final},
    jobs::{
        EvaluateAnswer, Job,
        worker::{JobError, JobHandler},
    },
    live::{LiveEvent, LiveEvents},
    plans,
};

pub struct EvaluateAnswerJob {
    pub db: DatabaseConnection,
    pub offline: Arc<dyn Grader>,
    /// The OpenAI grader when configured; used for Pro accounts (and everyone with `OPENAI_FOR_ALL_PLANS`).
    pub openai: Option<Arc<dyn Grader>>,
    pub openai_for_all_plans: bool,
    pub live: LiveEvents,
}

impl EvaluateAnswerJob {
    fn grader_for(&self, user: Option<&users::Model>) -> Arc<dyn Grader> {
        match &self.openai {
            Some(g)
                if self.openai_for_all_plans
                    || user.is_some_and(|u| plans::effective_plan(u) == plans::PRO) =>
            {
                g.clone()
            }
            _ => self.offline.clone(),
        }
    }

    async fn publish(&self, answer: &answers::Model, evaluation: &evaluations::Model) {
        let dto = answer_dto(answer, Some(evaluation));
        self.live.publish(LiveEvent {
            user_id: answer.user_id,
            session_id: answer.session_id,
            event: "evaluation",
            data: serde_json::json!({ "answer_id": answer.id, "question_id": answer.question_id, "evaluation": dto.evaluation }),
        });
    }
}

#[async_trait]
impl JobHandler for EvaluateAnswerJob {
    fn kind(&self) -> &'static str {
        EvaluateAnswer::KIND
    }

    async fn run(&self, job: &jobs::Model) -> Result<(), JobError> {
        let EvaluateAnswer { answer_id: id } = crate::jobs::payload(job)?;
        // The answer may have been deleted with its session meanwhile: nothing to do.
        let Some(answer) = answers::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(());
        };
        let Some(evaluation) = evaluations::Entity::find()
            .filter(evaluations::Column::AnswerId.eq(id))
            .one(&self.db)
            .await?
        else {
            return Ok(());
        };
        if evaluation.status == "completed" {
            return Ok(());
        }
        let question = questions::Entity::find_by_id(answer.question_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| JobError::Permanent("question missing".into()))?;
        let user = users::Entity::find_by_id(answer.user_id)
            .one(&self.db)
            .await?;
        let grader = self.grader_for(user.as_ref());

        let mut running: evaluations::ActiveModel = evaluation.clone().into();
        running.status = Set("running".into());
        running.attempts = Set(evaluation.attempts + 1);
        running.started_at = Set(Some(Utc::now()));
        let running = running.update(&self.db).await?;
        self.publish(&answer, &running).await;

        let req = GradingRequest::new(&question, &answer);
        let started = Instant::now();
        let result = grader.grade(&req).await;
        let took = started.elapsed();
        match result {
            Ok(outcome) => {
                crate::ops::metrics::record_evaluation(&outcome.evaluator, took);
                let g = outcome.grade;
                let mut done: evaluations::ActiveModel = running.into();
                done.status = Set("completed".into());
                done.overall_score = Set(Some(g.overall_score as i32));
                done.dimensions = Set(Some(
                    serde_json::to_value(&g.dimensions).unwrap_or_default(),
                ));
                done.summary = Set(Some(g.summary.clone()));
                done.strengths = Set(Some(serde_json::to_value(&g.strengths).unwrap_or_default()));
                done.improvements = Set(Some(
                    serde_json::to_value(&g.improvements).unwrap_or_default(),
                ));
                done.sample_answer = Set(Some(g.sample_answer.clone()));
                done.follow_up_question = Set(Some(g.follow_up_question.clone()));
                done.key_points = Set(Some(
                    serde_json::to_value(&g.key_points).unwrap_or_default(),
                ));
                done.findings = Set(Some(serde_json::json!({
                    "misconceptions": g.misconceptions,
                    "figures": g.figures,
                })));
                done.evaluator = Set(Some(outcome.evaluator));
                done.prompt_version = Set(Some(outcome.prompt_version));
                done.latency_ms = Set(Some(took.as_millis().min(i32::MAX as u128) as i32));
                done.prompt_tokens = Set(outcome.prompt_tokens);
                done.completion_tokens = Set(outcome.completion_tokens);
                done.error = Set(None);
                done.completed_at = Set(Some(Utc::now()));
                // The evaluation and the progress aggregates change together.
                let txn = crate::db::write_txn(&self.db).await?;
                let done = done.update(&txn).await?;
                if let Some(session) = practice_sessions::Entity::find_by_id(answer.session_id)
                    .one(&txn)
                    .await?
                {
                    crate::progress::record(
                        &txn,
                        answer.user_id,
                        session.role_id,
                        &question.category,
                        answer.submitted_at.date_naive(),
                        g.overall_score as i32,
                        answer.duration_seconds,
                        &g.dimensions,
                    )
                    .await?;
                }
                txn.commit().await?;
                self.publish(&answer, &done).await;
                if let Err(e) = persist_summary_if_final(&self.db, answer.session_id).await {
                    tracing::warn!(error = %e, "could not store the session summary");
                }
                Ok(())
            }
            Err(err) => {
                let (msg, permanent) = match &err {
                    GradeError::Temporary(m) => (m.clone(), false),
                    GradeError::Permanent(m) => (m.clone(), true),
                };
                // Back to pending with the reason visible; the queue retries with backoff.
                let mut again: evaluations::ActiveModel = running.into();
                again.status = Set("pending".into());
                again.error = Set(Some(format!(
                    "Evaluation attempt failed and will be retried: {msg}"
                )));
                let again = again.update(&self.db).await?;
                self.publish(&answer, &again).await;
                Err(if permanent {
                    JobError::Permanent(msg)
                } else {
                    JobError::Retryable(msg)
                })
            }
        }
    }

    async fn on_final_failure(&self, job: &jobs::Model, error: &str) -> Result<(), sea_orm::DbErr> {
        let Ok(EvaluateAnswer { answer_id: id }) = crate::jobs::payload(job) else {
            return Ok(());
        };
        let Some(answer) = answers::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(());
        };
        if let Some(e) = evaluations::Entity::find()
            .filter(evaluations::Column::AnswerId.eq(id))
            .one(&self.db)
            .await?
        {
            let mut failed: evaluations::ActiveModel = e.into();
            failed.status = Set("failed".into());
            failed.error = Set(Some(format!(
                "The evaluator could not grade this answer ({error}). You can retry it."
            )));
            let failed = failed.update(&self.db).await?;
            self.publish(&answer, &failed).await;
        }
        Ok(())
    }
}
