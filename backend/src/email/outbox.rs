//! The default mailer: each message becomes a JSON file in `EMAIL_OUTBOX_DIR`, so development and
//! tests can read what would have been sent.
use std::path::PathBuf;

use async_trait::async_trait;
use chrono::Utc;

use super::{MailError, Mailer, OutgoingEmail};

pub struct OutboxMailer {
    dir: PathBuf,
}

impl OutboxMailer {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }
}

#[async_trait]
impl Mailer for OutboxMailer {
    fn name(&self) -> &'static str {
        "outbox"
    }

    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let doc = serde_json::json!({
            "id": email.id,
            "from": email.from,
            "to": email.to,
            "subject": email.subject,
            "text": email.text,
            "html": email.html,
            "template": email.template,
            "created_at": Utc::now(),
        });
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| MailError::Temporary(format!("outbox dir: {e}")))?;
        // Write then rename so a reader never sees half a file.
        let name = format!(
            "{}-{}.json",
            Utc::now().format("%Y%m%dT%H%M%S%.6f"),
            email.id
        );
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let body =
            serde_json::to_vec_pretty(&doc).map_err(|e| MailError::Permanent(e.to_string()))?;
        tokio::fs::write(&tmp, body)
            .await
            .map_err(|e| MailError::Temporary(format!("outbox write: {e}")))?;
        tokio::fs::rename(&tmp, self.dir.join(&name))
            .await
            .map_err(|e| MailError::Temporary(format!("outbox rename: {e}")))?;
        Ok(format!("outbox:{}", email.id))
    }
}
