//! Operations: health checks and Prometheus metrics.
pub mod health;
pub mod metrics;
