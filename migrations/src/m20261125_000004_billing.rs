//! Billing: subscriptions (Stripe-confirmed state and admin grants) and the processed Stripe events.
//! Both tables outlive an account in anonymised form (`user_id` set to NULL), so the user link is
//! nullable and `ON DELETE SET NULL`.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    Id,
    UserId,
    Source,
    StripeCustomerId,
    StripeSubscriptionId,
    PriceId,
    Plan,
    Interval,
    Status,
    CurrentPeriodEnd,
    CancelAtPeriodEnd,
    PastDueSince,
    LastEventAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BillingEvents {
    Table,
    Id,
    StripeEventId,
    EventType,
    UserId,
    StripeObjectId,
    Created,
    ProcessedAt,
    Outcome,
    Summary,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Subscriptions::Table)
                .col(pk_uuid(Subscriptions::Id))
                .col(uuid_null(Subscriptions::UserId))
                .col(string_len(Subscriptions::Source, 16))
                .col(string_len_null(Subscriptions::StripeCustomerId, 255))
                .col(string_len_null(Subscriptions::StripeSubscriptionId, 255).unique_key())
                .col(string_len_null(Subscriptions::PriceId, 255))
                .col(string_len(Subscriptions::Plan, 16))
                .col(string_len_null(Subscriptions::Interval, 16))
                .col(string_len(Subscriptions::Status, 32))
                .col(timestamp_with_time_zone_null(
                    Subscriptions::CurrentPeriodEnd,
                ))
                .col(boolean(Subscriptions::CancelAtPeriodEnd).default(false))
                .col(timestamp_with_time_zone_null(Subscriptions::PastDueSince))
                .col(timestamp_with_time_zone_null(Subscriptions::LastEventAt))
                .col(timestamp_with_time_zone(Subscriptions::CreatedAt))
                .col(timestamp_with_time_zone(Subscriptions::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Subscriptions::Table, Subscriptions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_subscriptions_user")
                .table(Subscriptions::Table)
                .col(Subscriptions::UserId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_subscriptions_customer")
                .table(Subscriptions::Table)
                .col(Subscriptions::StripeCustomerId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BillingEvents::Table)
                .col(pk_uuid(BillingEvents::Id))
                .col(string_len_uniq(BillingEvents::StripeEventId, 255))
                .col(string_len(BillingEvents::EventType, 100))
                .col(uuid_null(BillingEvents::UserId))
                .col(string_len_null(BillingEvents::StripeObjectId, 255))
                .col(timestamp_with_time_zone(BillingEvents::Created))
                .col(timestamp_with_time_zone(BillingEvents::ProcessedAt))
                .col(string_len(BillingEvents::Outcome, 32))
                .col(json_null(BillingEvents::Summary))
                .foreign_key(
                    ForeignKey::create()
                        .from(BillingEvents::Table, BillingEvents::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_billing_events_user_created")
                .table(BillingEvents::Table)
                .col(BillingEvents::UserId)
                .col(BillingEvents::Created)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            BillingEvents::Table.into_iden(),
            Subscriptions::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
