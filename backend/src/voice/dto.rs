//! API shapes of voice answers: the recording, the transcript's state and the delivery feedback.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::interviews::dto::DimensionScore;

/// The stored recording of a voice answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AnswerAudio {
    /// Where the owner plays it back (`GET`, supports `Range`); null once the retention period removed it.
    pub url: Option<String>,
    #[schema(example = "audio/webm")]
    pub content_type: String,
    pub bytes: i64,
    /// When the recording was deleted by the retention rule (the transcript stays).
    pub expired_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TranscriptStatus {
    /// Speech-to-text is running; evaluation follows.
    Pending,
    Completed,
    /// Speech-to-text failed: type or edit the transcript (`PUT /answers/{id}/transcript`) or retry.
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TranscriptSource {
    /// Sent with the recording (browser speech recognition, or typed by the candidate).
    Client,
    /// Transcribed by the server's speech-to-text model.
    Openai,
    /// Typed or corrected by the candidate after the upload.
    Edited,
}

/// Where a voice answer's transcript (the answer's `text`) came from and its state.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Transcript {
    pub status: TranscriptStatus,
    pub source: Option<TranscriptSource>,
    /// Why speech-to-text failed (status `failed`) or the last attempt's error while it retries.
    pub error: Option<String>,
    /// How many words carry timestamps (0 without speech-to-text timings).
    pub timed_words: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FillerCount {
    #[schema(example = "um")]
    pub word: String,
    pub count: u32,
}

/// What was measured from the transcript and its timing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeliveryMetrics {
    pub words: u32,
    pub words_per_minute: f32,
    pub filler_count: u32,
    pub fillers_per_minute: f32,
    /// Filler words and phrases, most frequent first.
    pub fillers: Vec<FillerCount>,
    /// Silences of 2 seconds or more between words (only with word timestamps).
    pub long_pauses: u32,
    /// Longest silence between words in seconds (null without word timestamps).
    pub longest_pause_seconds: Option<f32>,
    /// Speaking time: first word to last word with timestamps, otherwise the recording's length.
    pub talk_seconds: f32,
    pub time_limit_seconds: Option<u32>,
    pub over_time: bool,
    /// Whether word timestamps were available (pauses are measured only then).
    pub timed: bool,
}

/// Delivery feedback of a voice answer, scored on its own dimensions (`pace`, `fillers`, `pauses`,
/// `timing`), separate from the content evaluation and not part of its overall score.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Delivery {
    pub metrics: DeliveryMetrics,
    pub dimensions: Vec<DimensionScore>,
    /// Mean of the delivery dimension scores (0–10).
    pub average: f32,
}

/// The multipart form of `POST /sessions/{id}/answers/audio`.
#[derive(ToSchema)]
#[allow(dead_code)] // Documents the form; the handler reads the parts as a stream.
pub struct AudioAnswerForm {
    /// The recording: webm, ogg, mp3, wav or m4a, at most 25 MB.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    audio: Vec<u8>,
    question_id: Uuid,
    /// Length of the recording in seconds (0–86400).
    #[schema(minimum = 0, maximum = 86400)]
    duration_seconds: u32,
    /// The client's transcript (browser speech recognition, or typed). Required when the server has no
    /// speech-to-text; otherwise the server transcribes the recording.
    #[schema(max_length = 20000)]
    transcript: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TranscriptUpdate {
    /// The corrected or typed transcript (non-blank, at most 20,000 characters).
    #[schema(min_length = 1, max_length = 20000)]
    pub text: String,
}
