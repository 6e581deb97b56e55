//! Rewrites stored addresses into their canonical form (`canonical::canonical_email`), so Unicode
//! twins of one address (precomposed and combining accents, fullwidth letters) can no longer be
//! separate accounts; the unique index on `users.email` then guards the canonical form. An address
//! whose canonical form another account already holds is left unchanged (two live accounts cannot be
//! merged by a migration); the count is printed for the operator, never the addresses.
use sea_orm_migration::{
    prelude::*,
    sea_orm::{FromQueryResult, Statement},
};

use crate::canonical::canonical_email;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Email,
}

#[derive(FromQueryResult)]
struct Row {
    email: String,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        let rows =
            Row::find_by_statement(Statement::from_string(backend, "SELECT email FROM users"))
                .all(db)
                .await?;
        let taken: std::collections::HashSet<String> =
            rows.iter().map(|r| r.email.clone()).collect();
        let mut skipped = 0;
        for r in &rows {
            let canonical = canonical_email(&r.email);
            if canonical == r.email {
                continue;
            }
            if taken.contains(&canonical) {
                skipped += 1;
                continue;
            }
            // `email` is unique, so it names the row.
            manager
                .exec_stmt(
                    Query::update()
                        .table(Users::Table)
                        .value(Users::Email, canonical)
                        .and_where(Expr::col(Users::Email).eq(r.email.as_str()))
                        .to_owned(),
                )
                .await?;
        }
        if skipped > 0 {
            println!(
                "canonical emails: {skipped} account(s) left unchanged: their canonical address belongs to another account"
            );
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The original spellings are not kept; the canonical ones work for sign-in either way.
        Ok(())
    }
}
