//! HTTP plumbing shared by every feature: client identity, rate limits, security headers, CORS.
pub mod client;
pub mod headers;
pub mod json;
pub mod pagination;
pub mod ratelimit;
