//! Practice sessions: picking questions, answering (with attempts and quotas), completing, history.
pub mod dto;
pub mod routes;
pub mod service;
pub mod usage;
