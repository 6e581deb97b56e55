//! The durable transcription job of a voice answer: speech-to-text, then the delivery measurement,
//! then the evaluation job, all-or-nothing. A candidate's edit of the transcript wins over a late
//! transcription (both only move the answer out of `pending`).
use std::sync::Arc;

use async_trait::async_trait;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::Expr,
};

use super::{
    finish_transcript, measure_delivery, storage::AudioStore, transcribe::Transcriber,
    transcript_source, transcript_status,
};
use crate::{
    entities::{answers, evaluations, jobs},
    evaluation::GradeError,
    interviews::service::{answer_dto, answer_time_limit},
    jobs::{
        EvaluateAnswer, Job, JobSignal, TranscribeAnswer,
        worker::{JobError, JobHandler},
    },
    live::{LiveEvent, LiveEvents},
};

pub struct TranscribeAnswerJob {
    pub db: DatabaseConnection,
    pub transcriber: Option<Arc<dyn Transcriber>>,
    pub store: AudioStore,
    pub live: LiveEvents,
    pub signal: JobSignal,
}

fn io(e: std::io::Error) -> JobError {
    JobError::Permanent(format!("recording unreadable: {}", e.kind()))
}

#[async_trait]
impl JobHandler for TranscribeAnswerJob {
    fn kind(&self) -> &'static str {
        TranscribeAnswer::KIND
    }

    async fn run(&self, job: &jobs::Model) -> Result<(), JobError> {
        let TranscribeAnswer { answer_id: id } = crate::jobs::payload(job)?;
        let Some(answer) = answers::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(());
        };
        if answer.transcript_status.as_deref() != Some(transcript_status::PENDING) {
            return Ok(());
        }
        let Some(transcriber) = &self.transcriber else {
            return Err(JobError::Permanent(
                "speech-to-text is not configured on this server".into(),
            ));
        };
        let key = answer
            .audio_path
            .clone()
            .ok_or_else(|| JobError::Permanent("the recording is no longer stored".into()))?;
        let bytes = tokio::fs::read(self.store.path_of(&key).map_err(io)?)
            .await
            .map_err(io)?;
        let filename = format!("answer.{}", key.rsplit('.').next().unwrap_or("webm"));
        let transcription = match transcriber.transcribe(bytes, &filename).await {
            Ok(t) => t,
            Err(err) => {
                let (msg, permanent) = match err {
                    GradeError::Temporary(m) => (m, false),
                    GradeError::Permanent(m) => (m, true),
                };
                // Visible while it retries; the final failure replaces it.
                answers::Entity::update_many()
                    .col_expr(
                        answers::Column::TranscriptError,
                        Expr::value(format!(
                            "Transcription attempt failed and will be retried: {msg}"
                        )),
                    )
                    .filter(answers::Column::Id.eq(id))
                    .exec(&self.db)
                    .await?;
                return Err(if permanent {
                    JobError::Permanent(msg)
                } else {
                    JobError::Retryable(msg)
                });
            }
        };
        if transcription.text.is_empty() {
            return Err(JobError::Permanent(
                "no speech was recognised in the recording".into(),
            ));
        }
        let limit = answer_time_limit(&self.db, &answer).await?;
        let delivery = measure_delivery(
            &transcription.text,
            answer.duration_seconds.max(0) as u32,
            Some(&transcription.words),
            Some(limit.max(0) as u32),
        );
        let txn = crate::db::write_txn(&self.db).await?;
        let moved = finish_transcript(
            &txn,
            id,
            &transcription.text,
            transcript_source::OPENAI,
            Some(&transcription.words),
            &delivery,
            &[transcript_status::PENDING],
        )
        .await?;
        if moved {
            crate::jobs::enqueue(&txn, &EvaluateAnswer { answer_id: id }).await?;
        }
        txn.commit().await?;
        self.signal.notify();
        Ok(())
    }

    async fn on_final_failure(&self, job: &jobs::Model, error: &str) -> Result<(), sea_orm::DbErr> {
        let Ok(TranscribeAnswer { answer_id: id }) = crate::jobs::payload(job) else {
            return Ok(());
        };
        let txn = crate::db::write_txn(&self.db).await?;
        let moved = answers::Entity::update_many()
            .col_expr(
                answers::Column::TranscriptStatus,
                Expr::value(transcript_status::FAILED),
            )
            .col_expr(
                answers::Column::TranscriptError,
                Expr::value(format!("Speech-to-text failed: {error}")),
            )
            .filter(answers::Column::Id.eq(id))
            .filter(answers::Column::TranscriptStatus.eq(transcript_status::PENDING))
            .exec(&txn)
            .await?;
        if moved.rows_affected == 0 {
            return txn.commit().await;
        }
        let evaluation = evaluations::Entity::find()
            .filter(evaluations::Column::AnswerId.eq(id))
            .one(&txn)
            .await?;
        let failed = match evaluation {
            Some(e) => {
                let mut am: evaluations::ActiveModel = e.into();
                am.status = Set("failed".into());
                am.error = Set(Some(
                    "We could not transcribe this recording. Type or correct the transcript to get \
                     feedback, or retry the transcription."
                        .into(),
                ));
                am.completed_at = Set(None);
                Some(am.update(&txn).await?)
            }
            None => None,
        };
        txn.commit().await?;
        if let (Some(answer), Some(failed)) =
            (answers::Entity::find_by_id(id).one(&self.db).await?, failed)
        {
            let dto = answer_dto(&answer, Some(&failed));
            self.live.publish(LiveEvent {
                user_id: answer.user_id,
                session_id: answer.session_id,
                event: "evaluation",
                data: serde_json::json!({
                    "answer_id": answer.id,
                    "question_id": answer.question_id,
                    "evaluation": dto.evaluation,
                }),
            });
        }
        Ok(())
    }
}
