//! Voice answers: the recording (stored on disk under `AUDIO_STORAGE_DIR`, served only to its owner),
//! its transcript (from speech-to-text through the OpenAI API as a durable job, or from the client), and
//! delivery feedback measured from the transcript and its timing.
pub mod dto;
pub mod format;
pub mod job;
pub mod routes;
pub mod storage;
pub mod transcribe;

use interviewos_grader::{TimedWord, delivery_dimensions, delivery_metrics};

pub use dto::{Delivery, DeliveryMetrics, FillerCount};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use crate::{entities::answers, interviews::dto::DimensionScore};

/// Largest accepted recording (the OpenAI transcription API's own limit).
pub const MAX_AUDIO_BYTES: u64 = 25 * 1024 * 1024;

pub mod transcript_status {
    pub const PENDING: &str = "pending";
    pub const COMPLETED: &str = "completed";
    pub const FAILED: &str = "failed";
}

pub mod transcript_source {
    pub const CLIENT: &str = "client";
    pub const OPENAI: &str = "openai";
    pub const EDITED: &str = "edited";
}

/// Measures delivery of a spoken answer and scores it on its own dimension set.
pub fn measure_delivery(
    transcript: &str,
    duration_seconds: u32,
    words: Option<&[TimedWord]>,
    time_limit_seconds: Option<u32>,
) -> Delivery {
    let m = delivery_metrics(
        transcript,
        duration_seconds as f32,
        words,
        time_limit_seconds,
    );
    let dimensions: Vec<DimensionScore> = delivery_dimensions(&m)
        .into_iter()
        .map(|d| DimensionScore {
            key: d.key,
            name: d.name,
            score: d.score,
            comment: d.comment,
        })
        .collect();
    let average = if dimensions.is_empty() {
        0.0
    } else {
        let sum: f32 = dimensions.iter().map(|d| d.score).sum();
        (sum / dimensions.len() as f32 * 10.0).round() / 10.0
    };
    Delivery {
        metrics: DeliveryMetrics {
            words: m.words,
            words_per_minute: m.words_per_minute,
            filler_count: m.filler_count,
            fillers_per_minute: m.fillers_per_minute,
            fillers: m
                .fillers
                .into_iter()
                .map(|(word, count)| FillerCount { word, count })
                .collect(),
            long_pauses: m.long_pauses,
            longest_pause_seconds: m.longest_pause_seconds,
            talk_seconds: m.talk_seconds,
            time_limit_seconds: m.time_limit_seconds,
            over_time: m.over_time,
            timed: words.is_some_and(|w| !w.is_empty()),
        },
        dimensions,
        average,
    }
}

/// Stores a voice answer's final transcript and its delivery, but only while the transcript is still in
/// one of `from` (so a late speech-to-text result and a candidate's edit cannot both win). `words` are
/// kept as they are when `None`. Returns whether the answer moved.
pub async fn finish_transcript(
    db: &impl ConnectionTrait,
    answer_id: Uuid,
    text: &str,
    source: &str,
    words: Option<&[TimedWord]>,
    delivery: &Delivery,
    from: &[&str],
) -> Result<bool, sea_orm::DbErr> {
    let mut update = answers::Entity::update_many()
        .col_expr(answers::Column::Text, Expr::value(text))
        .col_expr(
            answers::Column::TranscriptStatus,
            Expr::value(transcript_status::COMPLETED),
        )
        .col_expr(answers::Column::TranscriptSource, Expr::value(source))
        .col_expr(
            answers::Column::TranscriptError,
            Expr::value(None::<String>),
        )
        .col_expr(
            answers::Column::Delivery,
            Expr::value(serde_json::to_value(delivery).unwrap_or_default()),
        );
    if let Some(words) = words {
        update = update.col_expr(
            answers::Column::TranscriptWords,
            Expr::value(serde_json::to_value(words).unwrap_or_default()),
        );
    }
    let moved = update
        .filter(answers::Column::Id.eq(answer_id))
        .filter(answers::Column::TranscriptStatus.is_in(from.iter().copied()))
        .exec(db)
        .await?;
    Ok(moved.rows_affected == 1)
}
