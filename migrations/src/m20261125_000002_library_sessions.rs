//! The question library (roles, versioned questions, topics, full-text search), practice sessions,
//! answers with their attempts, evaluations, and monthly usage counters.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Roles {
    Table,
    Id,
    Slug,
    Name,
    Description,
    Position,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Questions {
    Table,
    Id,
    Slug,
    Version,
    Category,
    Difficulty,
    Industry,
    Prompt,
    Topics,
    RoleSlugs,
    KeyPoints,
    Rubric,
    TimeLimitSeconds,
    ModelAnswer,
    FollowUp,
    CaseData,
    SearchText,
    Source,
    ContentHash,
    CreatedAt,
    UpdatedAt,
    RetiredAt,
}

#[derive(DeriveIden)]
enum QuestionRoles {
    Table,
    QuestionId,
    RoleId,
}

#[derive(DeriveIden)]
enum QuestionTopics {
    Table,
    QuestionId,
    Topic,
}

#[derive(DeriveIden)]
enum PracticeSessions {
    Table,
    Id,
    UserId,
    RoleId,
    Mode,
    Status,
    Category,
    Difficulty,
    TimeLimitSeconds,
    StartedAt,
    CompletedAt,
    Summary,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SessionQuestions {
    Table,
    SessionId,
    Position,
    QuestionId,
    TimeLimitSeconds,
}

#[derive(DeriveIden)]
enum Answers {
    Table,
    Id,
    SessionId,
    UserId,
    QuestionId,
    Attempt,
    IsCurrent,
    Text,
    DurationSeconds,
    OverTime,
    Mode,
    TrainingOptOut,
    SubmittedAt,
}

#[derive(DeriveIden)]
enum Evaluations {
    Table,
    Id,
    AnswerId,
    UserId,
    Status,
    OverallScore,
    Dimensions,
    Summary,
    Strengths,
    Improvements,
    SampleAnswer,
    FollowUpQuestion,
    KeyPoints,
    Evaluator,
    PromptVersion,
    LatencyMs,
    PromptTokens,
    CompletionTokens,
    Error,
    Attempts,
    CreatedAt,
    StartedAt,
    CompletedAt,
}

#[derive(DeriveIden)]
enum UsageCounters {
    Table,
    UserId,
    Period,
    AnswersUsed,
    UpdatedAt,
}

fn fk(
    from_tbl: impl IntoIden,
    from_col: impl IntoIden,
    to_tbl: impl IntoIden,
    to_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_tbl, from_col)
        .to(to_tbl, to_col)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Roles::Table)
                .col(pk_uuid(Roles::Id))
                .col(string_len_uniq(Roles::Slug, 64))
                .col(string_len(Roles::Name, 120))
                .col(text(Roles::Description))
                .col(integer(Roles::Position).default(0))
                .col(timestamp_with_time_zone(Roles::CreatedAt))
                .col(timestamp_with_time_zone(Roles::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Questions::Table)
                .col(pk_uuid(Questions::Id))
                .col(string_len(Questions::Slug, 64))
                .col(integer(Questions::Version).default(1))
                .col(string_len(Questions::Category, 32))
                .col(string_len(Questions::Difficulty, 16))
                .col(string_len_null(Questions::Industry, 64))
                .col(text(Questions::Prompt))
                .col(json(Questions::Topics))
                .col(json(Questions::RoleSlugs))
                .col(json(Questions::KeyPoints))
                .col(json(Questions::Rubric))
                .col(integer(Questions::TimeLimitSeconds))
                .col(text(Questions::ModelAnswer))
                .col(text_null(Questions::FollowUp))
                .col(json_null(Questions::CaseData))
                .col(text(Questions::SearchText))
                .col(string_len(Questions::Source, 16).default("library"))
                .col(string_len(Questions::ContentHash, 64))
                .col(timestamp_with_time_zone(Questions::CreatedAt))
                .col(timestamp_with_time_zone(Questions::UpdatedAt))
                .col(timestamp_with_time_zone_null(Questions::RetiredAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_questions_slug_version")
                .table(Questions::Table)
                .col(Questions::Slug)
                .col(Questions::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            (
                "idx_questions_active_slug",
                vec![Questions::RetiredAt, Questions::Slug],
            ),
            (
                "idx_questions_category",
                vec![Questions::Category, Questions::Slug],
            ),
            (
                "idx_questions_difficulty",
                vec![Questions::Difficulty, Questions::Slug],
            ),
            (
                "idx_questions_industry",
                vec![Questions::Industry, Questions::Slug],
            ),
        ] {
            let mut idx = Index::create()
                .name(name)
                .table(Questions::Table)
                .to_owned();
            for c in cols {
                idx.col(c);
            }
            m.create_index(idx).await?;
        }

        m.create_table(
            Table::create()
                .table(QuestionRoles::Table)
                .col(uuid(QuestionRoles::QuestionId))
                .col(uuid(QuestionRoles::RoleId))
                .primary_key(
                    Index::create()
                        .col(QuestionRoles::RoleId)
                        .col(QuestionRoles::QuestionId),
                )
                .foreign_key(&mut fk(
                    QuestionRoles::Table,
                    QuestionRoles::QuestionId,
                    Questions::Table,
                    Questions::Id,
                ))
                .foreign_key(&mut fk(
                    QuestionRoles::Table,
                    QuestionRoles::RoleId,
                    Roles::Table,
                    Roles::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_question_roles_question")
                .table(QuestionRoles::Table)
                .col(QuestionRoles::QuestionId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(QuestionTopics::Table)
                .col(uuid(QuestionTopics::QuestionId))
                .col(string_len(QuestionTopics::Topic, 64))
                .primary_key(
                    Index::create()
                        .col(QuestionTopics::Topic)
                        .col(QuestionTopics::QuestionId),
                )
                .foreign_key(&mut fk(
                    QuestionTopics::Table,
                    QuestionTopics::QuestionId,
                    Questions::Table,
                    Questions::Id,
                ))
                .to_owned(),
        )
        .await?;

        // Full-text search: FTS5 on SQLite, a GIN expression index on PostgreSQL.
        let backend = m.get_database_backend();
        let conn = m.get_connection();
        match backend {
            sea_orm::DatabaseBackend::Postgres => {
                conn.execute_unprepared(
                    "CREATE INDEX idx_questions_fts ON questions USING GIN (to_tsvector('english', search_text))",
                )
                .await?;
            }
            _ => {
                conn.execute_unprepared(
                    "CREATE VIRTUAL TABLE question_search USING fts5(question_id UNINDEXED, body, tokenize = 'porter unicode61')",
                )
                .await?;
            }
        }

        m.create_table(
            Table::create()
                .table(PracticeSessions::Table)
                .col(pk_uuid(PracticeSessions::Id))
                .col(uuid(PracticeSessions::UserId))
                .col(uuid(PracticeSessions::RoleId))
                .col(string_len(PracticeSessions::Mode, 16))
                .col(string_len(PracticeSessions::Status, 16))
                .col(string_len_null(PracticeSessions::Category, 32))
                .col(string_len_null(PracticeSessions::Difficulty, 16))
                .col(integer_null(PracticeSessions::TimeLimitSeconds))
                .col(timestamp_with_time_zone(PracticeSessions::StartedAt))
                .col(timestamp_with_time_zone_null(PracticeSessions::CompletedAt))
                .col(json_null(PracticeSessions::Summary))
                .col(timestamp_with_time_zone(PracticeSessions::CreatedAt))
                .col(timestamp_with_time_zone(PracticeSessions::UpdatedAt))
                .foreign_key(&mut fk(
                    PracticeSessions::Table,
                    PracticeSessions::UserId,
                    Users::Table,
                    Users::Id,
                ))
                .foreign_key(
                    &mut ForeignKey::create()
                        .from(PracticeSessions::Table, PracticeSessions::RoleId)
                        .to(Roles::Table, Roles::Id)
                        .on_delete(ForeignKeyAction::Restrict)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_sessions_user_created")
                .table(PracticeSessions::Table)
                .col(PracticeSessions::UserId)
                .col(PracticeSessions::CreatedAt)
                .col(PracticeSessions::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SessionQuestions::Table)
                .col(uuid(SessionQuestions::SessionId))
                .col(integer(SessionQuestions::Position))
                .col(uuid(SessionQuestions::QuestionId))
                .col(integer_null(SessionQuestions::TimeLimitSeconds))
                .primary_key(
                    Index::create()
                        .col(SessionQuestions::SessionId)
                        .col(SessionQuestions::Position),
                )
                .foreign_key(&mut fk(
                    SessionQuestions::Table,
                    SessionQuestions::SessionId,
                    PracticeSessions::Table,
                    PracticeSessions::Id,
                ))
                .foreign_key(
                    &mut ForeignKey::create()
                        .from(SessionQuestions::Table, SessionQuestions::QuestionId)
                        .to(Questions::Table, Questions::Id)
                        .on_delete(ForeignKeyAction::Restrict)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Answers::Table)
                .col(pk_uuid(Answers::Id))
                .col(uuid(Answers::SessionId))
                .col(uuid(Answers::UserId))
                .col(uuid(Answers::QuestionId))
                .col(integer(Answers::Attempt))
                .col(boolean(Answers::IsCurrent))
                .col(text(Answers::Text))
                .col(integer(Answers::DurationSeconds))
                .col(boolean(Answers::OverTime))
                .col(string_len(Answers::Mode, 16))
                .col(boolean(Answers::TrainingOptOut))
                .col(timestamp_with_time_zone(Answers::SubmittedAt))
                .foreign_key(&mut fk(
                    Answers::Table,
                    Answers::SessionId,
                    PracticeSessions::Table,
                    PracticeSessions::Id,
                ))
                .foreign_key(&mut fk(
                    Answers::Table,
                    Answers::UserId,
                    Users::Table,
                    Users::Id,
                ))
                .foreign_key(
                    &mut ForeignKey::create()
                        .from(Answers::Table, Answers::QuestionId)
                        .to(Questions::Table, Questions::Id)
                        .on_delete(ForeignKeyAction::Restrict)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_answers_attempt")
                .table(Answers::Table)
                .col(Answers::SessionId)
                .col(Answers::QuestionId)
                .col(Answers::Attempt)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_answers_user_question")
                .table(Answers::Table)
                .col(Answers::UserId)
                .col(Answers::QuestionId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_answers_user_submitted")
                .table(Answers::Table)
                .col(Answers::UserId)
                .col(Answers::SubmittedAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_answers_question")
                .table(Answers::Table)
                .col(Answers::QuestionId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Evaluations::Table)
                .col(pk_uuid(Evaluations::Id))
                .col(uuid_uniq(Evaluations::AnswerId))
                .col(uuid(Evaluations::UserId))
                .col(string_len(Evaluations::Status, 16))
                .col(integer_null(Evaluations::OverallScore))
                .col(json_null(Evaluations::Dimensions))
                .col(text_null(Evaluations::Summary))
                .col(json_null(Evaluations::Strengths))
                .col(json_null(Evaluations::Improvements))
                .col(text_null(Evaluations::SampleAnswer))
                .col(text_null(Evaluations::FollowUpQuestion))
                .col(json_null(Evaluations::KeyPoints))
                .col(string_len_null(Evaluations::Evaluator, 100))
                .col(string_len_null(Evaluations::PromptVersion, 32))
                .col(integer_null(Evaluations::LatencyMs))
                .col(integer_null(Evaluations::PromptTokens))
                .col(integer_null(Evaluations::CompletionTokens))
                .col(text_null(Evaluations::Error))
                .col(integer(Evaluations::Attempts).default(0))
                .col(timestamp_with_time_zone(Evaluations::CreatedAt))
                .col(timestamp_with_time_zone_null(Evaluations::StartedAt))
                .col(timestamp_with_time_zone_null(Evaluations::CompletedAt))
                .foreign_key(&mut fk(
                    Evaluations::Table,
                    Evaluations::AnswerId,
                    Answers::Table,
                    Answers::Id,
                ))
                .foreign_key(&mut fk(
                    Evaluations::Table,
                    Evaluations::UserId,
                    Users::Table,
                    Users::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_evaluations_user_completed")
                .table(Evaluations::Table)
                .col(Evaluations::UserId)
                .col(Evaluations::CompletedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(UsageCounters::Table)
                .col(uuid(UsageCounters::UserId))
                .col(string_len(UsageCounters::Period, 7))
                .col(integer(UsageCounters::AnswersUsed).default(0))
                .col(timestamp_with_time_zone(UsageCounters::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(UsageCounters::UserId)
                        .col(UsageCounters::Period),
                )
                .foreign_key(&mut fk(
                    UsageCounters::Table,
                    UsageCounters::UserId,
                    Users::Table,
                    Users::Id,
                ))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            m.get_connection()
                .execute_unprepared("DROP TABLE IF EXISTS question_search")
                .await?;
        }
        for t in [
            UsageCounters::Table.into_iden(),
            Evaluations::Table.into_iden(),
            Answers::Table.into_iden(),
            SessionQuestions::Table.into_iden(),
            PracticeSessions::Table.into_iden(),
            QuestionTopics::Table.into_iden(),
            QuestionRoles::Table.into_iden(),
            Questions::Table.into_iden(),
            Roles::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
