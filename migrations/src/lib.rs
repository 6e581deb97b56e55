//! Database migrations. One file per change; a file is never edited after it lands.
//! Only portable column types are used so the same migrations run on SQLite and PostgreSQL.
pub use sea_orm_migration::prelude::*;

mod m20261125_000001_accounts;
mod m20261125_000002_library_sessions;
mod m20261125_000003_privacy_progress;
mod m20261125_000004_billing;
mod m20261126_000005_voice_answers;
mod m20261126_000006_current_answers_index;
mod m20261207_000007_library_misconceptions_and_email_links;
mod m20261207_000008_canonical_emails;
mod m20261207_000009_evaluation_findings;

pub mod canonical;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_accounts::Migration),
            Box::new(m20261125_000002_library_sessions::Migration),
            Box::new(m20261125_000003_privacy_progress::Migration),
            Box::new(m20261125_000004_billing::Migration),
            Box::new(m20261126_000005_voice_answers::Migration),
            Box::new(m20261126_000006_current_answers_index::Migration),
            Box::new(m20261207_000007_library_misconceptions_and_email_links::Migration),
            Box::new(m20261207_000008_canonical_emails::Migration),
            Box::new(m20261207_000009_evaluation_findings::Migration),
        ]
    }
}
