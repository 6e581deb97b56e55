//! The current answers of a session (`is_current`: the latest attempt per question) are read by
//! session history, session detail and the evaluation stream. Retries leave older attempts behind,
//! so a session can hold many more answers than current ones: a partial index finds the current ones
//! without visiting the rest.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Answers {
    Table,
    SessionId,
    IsCurrent,
}

const NAME: &str = "idx_answers_current_by_session";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(Answers::Table)
                    .col(Answers::SessionId)
                    .and_where(Expr::col(Answers::IsCurrent).eq(true))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NAME).table(Answers::Table).to_owned())
            .await
    }
}
