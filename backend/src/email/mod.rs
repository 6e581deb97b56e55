//! Transactional email: templates, the durable outbox record, and delivery through a `Mailer`.
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait,
};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    entities::emails,
    jobs::{
        self, Job, SendEmail,
        worker::{JobError, JobHandler},
    },
};

mod outbox;
mod resend;
pub mod templates;

pub use outbox::OutboxMailer;
pub use resend::ResendMailer;

/// A message ready to send.
#[derive(Debug, Clone, Serialize)]
pub struct OutgoingEmail {
    pub id: Uuid,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub template: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Worth retrying: network trouble, rate limits, provider 5xx.
    #[error("temporary: {0}")]
    Temporary(String),
    /// Retrying cannot help: invalid address, rejected sender, bad API key.
    #[error("permanent: {0}")]
    Permanent(String),
}

#[async_trait]
pub trait Mailer: Send + Sync {
    fn name(&self) -> &'static str;
    /// Delivers the message and returns the provider's message id.
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError>;
}

/// Records an email and its delivery job; call inside the transaction of the action that causes it.
pub async fn queue(
    db: &impl ConnectionTrait,
    user_id: Option<Uuid>,
    to: &str,
    rendered: templates::Rendered,
) -> Result<Uuid, sea_orm::DbErr> {
    let id = Uuid::now_v7();
    emails::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        to_address: Set(to.to_owned()),
        template: Set(rendered.template.to_owned()),
        subject: Set(rendered.subject),
        text_body: Set(rendered.text),
        html_body: Set(rendered.html),
        status: Set("pending".into()),
        provider_id: Set(None),
        created_at: Set(Utc::now()),
        sent_at: Set(None),
    }
    .insert(db)
    .await?;
    jobs::enqueue(db, &SendEmail { email_id: id }).await?;
    Ok(id)
}

/// Delivers queued emails.
pub struct SendEmailJob {
    pub db: DatabaseConnection,
    pub mailer: Arc<dyn Mailer>,
    pub settings: Arc<crate::config::Settings>,
}

#[async_trait]
impl JobHandler for SendEmailJob {
    fn kind(&self) -> &'static str {
        SendEmail::KIND
    }

    async fn run(&self, job: &crate::entities::jobs::Model) -> Result<(), JobError> {
        let SendEmail { email_id: id } = jobs::payload(job)?;
        let Some(row) = emails::Entity::find_by_id(id).one(&self.db).await? else {
            // Purged with its account: nothing to send.
            return Ok(());
        };
        if row.status == "sent" {
            return Ok(());
        }
        // A one-time link is issued now, for this message only; the stored row keeps the placeholder.
        let (text, html) = if row.text_body.contains(templates::ONE_TIME_LINK) {
            let link = match row.user_id {
                Some(user_id) => {
                    crate::accounts::service::issue_email_link(
                        &self.db,
                        &self.settings,
                        user_id,
                        &row.template,
                    )
                    .await?
                }
                None => None,
            };
            let Some(link) = link else {
                return Err(JobError::Permanent(
                    "one-time link for no active account".into(),
                ));
            };
            templates::with_link(&row.text_body, &row.html_body, &link)
        } else {
            (row.text_body.clone(), row.html_body.clone())
        };
        let msg = OutgoingEmail {
            id: row.id,
            from: self.settings.email_from.clone(),
            to: row.to_address.clone(),
            subject: row.subject.clone(),
            text,
            html,
            template: row.template.clone(),
        };
        match self.mailer.send(&msg).await {
            Ok(provider_id) => {
                let mut am: emails::ActiveModel = row.into();
                am.status = Set("sent".into());
                am.provider_id = Set(Some(provider_id));
                am.sent_at = Set(Some(Utc::now()));
                am.update(&self.db).await?;
                crate::ops::metrics::record_email(self.mailer.name(), true);
                Ok(())
            }
            Err(MailError::Temporary(e)) => {
                crate::ops::metrics::record_email(self.mailer.name(), false);
                Err(JobError::Retryable(e))
            }
            Err(MailError::Permanent(e)) => {
                crate::ops::metrics::record_email(self.mailer.name(), false);
                Err(JobError::Permanent(e))
            }
        }
    }

    async fn on_final_failure(
        &self,
        job: &crate::entities::jobs::Model,
        _error: &str,
    ) -> Result<(), sea_orm::DbErr> {
        if let Ok(SendEmail { email_id }) = jobs::payload::<SendEmail>(job)
            && let Some(row) = emails::Entity::find_by_id(email_id).one(&self.db).await?
        {
            let mut am: emails::ActiveModel = row.into();
            am.status = Set("failed".into());
            am.update(&self.db).await?;
        }
        Ok(())
    }
}
