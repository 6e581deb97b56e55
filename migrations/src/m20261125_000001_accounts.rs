//! Accounts, authentication sessions, one-time tokens, security events, email outbox and the job queue.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    PasswordHash,
    EmailVerifiedAt,
    DisplayName,
    Role,
    Plan,
    PlanUntil,
    Theme,
    TrainingOptOut,
    StripeCustomerId,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum AuthSessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    SessionId,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum UserTokens {
    Table,
    Id,
    UserId,
    Kind,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum SecurityEvents {
    Table,
    Id,
    UserId,
    Kind,
    Ip,
    UserAgent,
    Detail,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Emails {
    Table,
    Id,
    UserId,
    ToAddress,
    Template,
    Subject,
    TextBody,
    HtmlBody,
    Status,
    ProviderId,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Kind,
    Payload,
    Status,
    Attempts,
    MaxAttempts,
    RunAt,
    LockedUntil,
    LockedBy,
    LastError,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(pk_uuid(Users::Id))
                .col(string_len_uniq(Users::Email, 320))
                .col(string_len(Users::PasswordHash, 100))
                .col(timestamp_with_time_zone_null(Users::EmailVerifiedAt))
                .col(string_len_null(Users::DisplayName, 100))
                .col(string_len(Users::Role, 16).default("user"))
                .col(string_len(Users::Plan, 16).default("free"))
                .col(timestamp_with_time_zone_null(Users::PlanUntil))
                .col(string_len(Users::Theme, 16).default("system"))
                .col(boolean(Users::TrainingOptOut).default(false))
                .col(string_len_null(Users::StripeCustomerId, 255))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .col(timestamp_with_time_zone_null(Users::DeletedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_users_deleted_at")
                .table(Users::Table)
                .col(Users::DeletedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuthSessions::Table)
                .col(pk_uuid(AuthSessions::Id))
                .col(uuid(AuthSessions::UserId))
                .col(timestamp_with_time_zone(AuthSessions::CreatedAt))
                .col(timestamp_with_time_zone(AuthSessions::LastUsedAt))
                .col(timestamp_with_time_zone_null(AuthSessions::RevokedAt))
                .col(string_len_null(AuthSessions::Ip, 64))
                .col(string_len_null(AuthSessions::UserAgent, 512))
                .foreign_key(
                    ForeignKey::create()
                        .from(AuthSessions::Table, AuthSessions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_auth_sessions_user")
                .table(AuthSessions::Table)
                .col(AuthSessions::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RefreshTokens::Table)
                .col(pk_uuid(RefreshTokens::Id))
                .col(uuid(RefreshTokens::SessionId))
                .col(uuid(RefreshTokens::UserId))
                .col(string_len_uniq(RefreshTokens::TokenHash, 64))
                .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(RefreshTokens::UsedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(RefreshTokens::Table, RefreshTokens::SessionId)
                        .to(AuthSessions::Table, AuthSessions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(RefreshTokens::Table, RefreshTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_refresh_tokens_session")
                .table(RefreshTokens::Table)
                .col(RefreshTokens::SessionId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_refresh_tokens_user")
                .table(RefreshTokens::Table)
                .col(RefreshTokens::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(UserTokens::Table)
                .col(pk_uuid(UserTokens::Id))
                .col(uuid(UserTokens::UserId))
                .col(string_len(UserTokens::Kind, 32))
                .col(string_len_uniq(UserTokens::TokenHash, 64))
                .col(timestamp_with_time_zone(UserTokens::CreatedAt))
                .col(timestamp_with_time_zone(UserTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(UserTokens::UsedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(UserTokens::Table, UserTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_user_tokens_user_kind")
                .table(UserTokens::Table)
                .col(UserTokens::UserId)
                .col(UserTokens::Kind)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SecurityEvents::Table)
                .col(pk_uuid(SecurityEvents::Id))
                .col(uuid_null(SecurityEvents::UserId))
                .col(string_len(SecurityEvents::Kind, 40))
                .col(string_len_null(SecurityEvents::Ip, 64))
                .col(string_len_null(SecurityEvents::UserAgent, 512))
                .col(json_null(SecurityEvents::Detail))
                .col(timestamp_with_time_zone(SecurityEvents::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_security_events_user_created")
                .table(SecurityEvents::Table)
                .col(SecurityEvents::UserId)
                .col(SecurityEvents::CreatedAt)
                .col(SecurityEvents::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_security_events_created")
                .table(SecurityEvents::Table)
                .col(SecurityEvents::CreatedAt)
                .col(SecurityEvents::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Emails::Table)
                .col(pk_uuid(Emails::Id))
                .col(uuid_null(Emails::UserId))
                .col(string_len(Emails::ToAddress, 320))
                .col(string_len(Emails::Template, 64))
                .col(string_len(Emails::Subject, 255))
                .col(text(Emails::TextBody))
                .col(text(Emails::HtmlBody))
                .col(string_len(Emails::Status, 16).default("pending"))
                .col(string_len_null(Emails::ProviderId, 255))
                .col(timestamp_with_time_zone(Emails::CreatedAt))
                .col(timestamp_with_time_zone_null(Emails::SentAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_emails_user_created")
                .table(Emails::Table)
                .col(Emails::UserId)
                .col(Emails::CreatedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Jobs::Table)
                .col(pk_uuid(Jobs::Id))
                .col(string_len(Jobs::Kind, 40))
                .col(json(Jobs::Payload))
                .col(string_len(Jobs::Status, 16).default("queued"))
                .col(integer(Jobs::Attempts).default(0))
                .col(integer(Jobs::MaxAttempts).default(5))
                .col(timestamp_with_time_zone(Jobs::RunAt))
                .col(timestamp_with_time_zone_null(Jobs::LockedUntil))
                .col(string_len_null(Jobs::LockedBy, 64))
                .col(text_null(Jobs::LastError))
                .col(timestamp_with_time_zone(Jobs::CreatedAt))
                .col(timestamp_with_time_zone(Jobs::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_jobs_claim")
                .table(Jobs::Table)
                .col(Jobs::Status)
                .col(Jobs::RunAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Jobs::Table.into_iden(),
            Emails::Table.into_iden(),
            SecurityEvents::Table.into_iden(),
            UserTokens::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            AuthSessions::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
