//! Shared application state, built once by `build_state` and handed to every handler.
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    accounts::tokens::TokenService, config::Settings, http::ratelimit::RateLimits, jobs::JobSignal,
    live::LiveEvents,
};

pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: DatabaseConnection,
    pub tokens: TokenService,
    pub limits: Arc<RateLimits>,
    pub jobs: JobSignal,
    /// A bcrypt hash of a random password at the configured cost, verified against for unknown emails.
    pub dummy_hash: Arc<String>,
    pub live: LiveEvents,
    /// Stored voice recordings.
    pub audio: crate::voice::storage::AudioStore,
}
