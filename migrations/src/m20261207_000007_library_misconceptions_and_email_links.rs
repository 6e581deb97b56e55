//! Two changes that ship together:
//! - `questions.misconceptions`: the common wrong claims of each library question (JSON list; null
//!   for questions written before the field existed).
//! - One-time links no longer rest in `emails`: earlier rows of the verification and reset templates
//!   held live tokens in their bodies. Their bodies are replaced by a note, and any still pending is
//!   marked failed (its token is retired too), so the user simply asks for a new link.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Questions {
    Table,
    Misconceptions,
}

#[derive(DeriveIden)]
enum Emails {
    Table,
    Template,
    TextBody,
    HtmlBody,
    Status,
}

#[derive(DeriveIden)]
enum UserTokens {
    Table,
    UsedAt,
}

const NOTE: &str = "(not kept: this email carried a one-time link)";
const LINK_TEMPLATES: [&str; 2] = ["verify_email", "password_reset"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Questions::Table)
                    .add_column(ColumnDef::new(Questions::Misconceptions).json().null())
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Emails::Table)
                    .value(Emails::Status, "failed")
                    .and_where(Expr::col(Emails::Template).is_in(LINK_TEMPLATES))
                    .and_where(Expr::col(Emails::Status).eq("pending"))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Emails::Table)
                    .value(Emails::TextBody, NOTE)
                    .value(Emails::HtmlBody, NOTE)
                    .and_where(Expr::col(Emails::Template).is_in(LINK_TEMPLATES))
                    .to_owned(),
            )
            .await?;
        // Every link that was ever written into a body is retired: the rows above may have leaked.
        manager
            .exec_stmt(
                Query::update()
                    .table(UserTokens::Table)
                    .value(UserTokens::UsedAt, Expr::current_timestamp())
                    .and_where(Expr::col(UserTokens::UsedAt).is_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Questions::Table)
                    .drop_column(Questions::Misconceptions)
                    .to_owned(),
            )
            .await
    }
}
