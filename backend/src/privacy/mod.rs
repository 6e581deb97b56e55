//! Data rights: sign-in activity, the full data export, account deletion and the purge that erases
//! personal data after the grace period.
pub mod export;
pub mod purge;
pub mod routes;
