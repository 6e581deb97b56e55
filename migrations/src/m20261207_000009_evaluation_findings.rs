//! `evaluations.findings`: what the grader found beyond the key points, with evidence in the
//! answer (`{misconceptions: [...], figures: [...]}`); null for evaluations made before it existed.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Evaluations {
    Table,
    Findings,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Evaluations::Table)
                    .add_column(ColumnDef::new(Evaluations::Findings).json().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Evaluations::Table)
                    .drop_column(Evaluations::Findings)
                    .to_owned(),
            )
            .await
    }
}
