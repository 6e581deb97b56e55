//! SeaORM entities, one file per table.
pub mod answers;
pub mod auth_sessions;
pub mod emails;
pub mod evaluations;
pub mod jobs;
pub mod practice_sessions;
pub mod question_roles;
pub mod question_topics;
pub mod questions;
pub mod refresh_tokens;
pub mod roles;
pub mod security_events;
pub mod session_questions;
pub mod usage_counters;
pub mod user_tokens;
pub mod users;
