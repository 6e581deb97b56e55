//! SeaORM entities, one file per table.
pub mod auth_sessions;
pub mod emails;
pub mod jobs;
pub mod refresh_tokens;
pub mod security_events;
pub mod user_tokens;
pub mod users;
