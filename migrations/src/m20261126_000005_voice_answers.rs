//! Voice answers: the stored recording, the transcript's provenance and word timings, and the measured
//! delivery. All nullable: text answers leave them empty. SQLite adds one column per statement.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Answers {
    Table,
    UserId,
    AudioPath,
    AudioContentType,
    AudioBytes,
    AudioExpiredAt,
    TranscriptStatus,
    TranscriptSource,
    TranscriptWords,
    TranscriptError,
    Delivery,
}

fn columns() -> Vec<ColumnDef> {
    vec![
        string_null(Answers::AudioPath),
        string_null(Answers::AudioContentType),
        big_integer_null(Answers::AudioBytes),
        timestamp_with_time_zone_null(Answers::AudioExpiredAt),
        string_null(Answers::TranscriptStatus),
        string_null(Answers::TranscriptSource),
        json_null(Answers::TranscriptWords),
        text_null(Answers::TranscriptError),
        json_null(Answers::Delivery),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for mut col in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(Answers::Table)
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        // The retention sweep looks for stored recordings by age.
        manager
            .create_index(
                Index::create()
                    .name("idx_answers_audio_retention")
                    .table(Answers::Table)
                    .col(Answers::AudioPath)
                    .col(Answers::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_answers_audio_retention")
                    .table(Answers::Table)
                    .to_owned(),
            )
            .await?;
        for col in columns().into_iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table(Answers::Table)
                        .drop_column(Alias::new(col.get_column_name()))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
