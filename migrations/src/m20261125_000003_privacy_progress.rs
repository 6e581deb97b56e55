//! Account purge bookkeeping and the maintained progress aggregates (per user, UTC day, role and
//! category), so progress queries scan days, not a user's whole answer history.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    PurgedAt,
}

#[derive(DeriveIden)]
enum Roles {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProgressDaily {
    Table,
    UserId,
    Day,
    RoleId,
    Category,
    Answers,
    Scored,
    ScoreSum,
    PracticeSeconds,
}

#[derive(DeriveIden)]
enum ProgressDimensions {
    Table,
    UserId,
    Day,
    RoleId,
    DimensionKey,
    DimensionName,
    Count,
    ScoreSum,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(timestamp_with_time_zone_null(Users::PurgedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ProgressDaily::Table)
                .col(uuid(ProgressDaily::UserId))
                .col(date(ProgressDaily::Day))
                .col(uuid(ProgressDaily::RoleId))
                .col(string_len(ProgressDaily::Category, 32))
                .col(integer(ProgressDaily::Answers).default(0))
                .col(integer(ProgressDaily::Scored).default(0))
                .col(big_integer(ProgressDaily::ScoreSum).default(0))
                .col(big_integer(ProgressDaily::PracticeSeconds).default(0))
                .primary_key(
                    Index::create()
                        .col(ProgressDaily::UserId)
                        .col(ProgressDaily::Day)
                        .col(ProgressDaily::RoleId)
                        .col(ProgressDaily::Category),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ProgressDaily::Table, ProgressDaily::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ProgressDaily::Table, ProgressDaily::RoleId)
                        .to(Roles::Table, Roles::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ProgressDimensions::Table)
                .col(uuid(ProgressDimensions::UserId))
                .col(date(ProgressDimensions::Day))
                .col(uuid(ProgressDimensions::RoleId))
                .col(string_len(ProgressDimensions::DimensionKey, 40))
                .col(string_len(ProgressDimensions::DimensionName, 80))
                .col(integer(ProgressDimensions::Count).default(0))
                .col(double(ProgressDimensions::ScoreSum).default(0.0))
                .primary_key(
                    Index::create()
                        .col(ProgressDimensions::UserId)
                        .col(ProgressDimensions::Day)
                        .col(ProgressDimensions::RoleId)
                        .col(ProgressDimensions::DimensionKey),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ProgressDimensions::Table, ProgressDimensions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ProgressDimensions::Table, ProgressDimensions::RoleId)
                        .to(Roles::Table, Roles::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ProgressDimensions::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ProgressDaily::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .drop_column(Users::PurgedAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
