//! Speech-to-text through the OpenAI transcription API (or a compatible server) with `async-openai`:
//! `verbose_json` with word timestamps, so pauses can be measured.
use std::time::Duration;

use async_openai::{
    Client,
    config::OpenAIConfig,
    types::audio::{
        AudioInput, AudioResponseFormat, CreateTranscriptionRequestArgs, TimestampGranularity,
    },
};
use async_trait::async_trait;
use interviewos_grader::TimedWord;

use crate::{
    config::OpenAiSettings,
    evaluation::{
        GradeError,
        openai::{AttemptError, classify, client, with_retries},
    },
};

/// A finished transcription.
#[derive(Debug, Clone)]
pub struct Transcription {
    pub text: String,
    pub words: Vec<TimedWord>,
}

#[async_trait]
pub trait Transcriber: Send + Sync {
    fn name(&self) -> String;
    /// Transcribes one recording; `filename` carries the format (`answer.webm`).
    async fn transcribe(&self, audio: Vec<u8>, filename: &str)
    -> Result<Transcription, GradeError>;
}

pub struct OpenAiTranscriber {
    client: Client<OpenAIConfig>,
    model: String,
    max_attempts: u32,
    backoff_base: Duration,
}

impl OpenAiTranscriber {
    pub fn new(settings: &OpenAiSettings) -> Self {
        Self {
            client: client(settings),
            model: settings.transcribe_model.clone(),
            max_attempts: settings.max_attempts,
            backoff_base: Duration::from_millis(250),
        }
    }

    async fn attempt(&self, audio: &[u8], filename: &str) -> Result<Transcription, AttemptError> {
        let request = CreateTranscriptionRequestArgs::default()
            .file(AudioInput::from_vec_u8(filename.to_owned(), audio.to_vec()))
            .model(self.model.clone())
            .response_format(AudioResponseFormat::VerboseJson)
            .timestamp_granularities(vec![TimestampGranularity::Word])
            .build()
            .map_err(|e| AttemptError::Permanent(e.to_string()))?;
        let response = self
            .client
            .audio()
            .transcription()
            .create_verbose_json(request)
            .await
            .map_err(classify)?;
        Ok(Transcription {
            text: response.text.trim().to_owned(),
            words: response
                .words
                .unwrap_or_default()
                .into_iter()
                .map(|w| TimedWord {
                    word: w.word,
                    start: w.start,
                    end: w.end,
                })
                .collect(),
        })
    }
}

#[async_trait]
impl Transcriber for OpenAiTranscriber {
    fn name(&self) -> String {
        format!("openai:{}", self.model)
    }

    async fn transcribe(
        &self,
        audio: Vec<u8>,
        filename: &str,
    ) -> Result<Transcription, GradeError> {
        with_retries(
            self.max_attempts,
            self.backoff_base,
            "transcription",
            || self.attempt(&audio, filename),
        )
        .await
    }
}
