//! The data export: one versioned JSON document with every row tied to the user, streamed in batches
//! so a long history never has to sit in memory. `EXPORT_TABLES` names, for every table with a
//! `user_id`, the section holding its rows; a test checks no such table is missing.
use actix_web::web::Bytes;
use chrono::Utc;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::{entities::*, voice::storage::AudioStore};

pub const FORMAT_VERSION: u32 = 1;

/// (table, section) for every table with a `user_id` column.
pub const EXPORT_TABLES: &[(&str, &str)] = &[
    ("practice_sessions", "sessions"),
    ("answers", "answers"),
    ("evaluations", "evaluations"),
    ("usage_counters", "usage"),
    ("progress_daily", "progress_daily"),
    ("progress_dimensions", "progress_dimensions"),
    ("security_events", "activity"),
    ("emails", "emails"),
    ("auth_sessions", "devices"),
    ("refresh_tokens", "refresh_tokens"),
    ("user_tokens", "email_tokens"),
    ("subscriptions", "subscription"),
    ("billing_events", "billing_events"),
];

const BATCH: u64 = 500;

type Tx = mpsc::Sender<Result<Bytes, std::io::Error>>;

async fn send(tx: &Tx, s: impl Into<Bytes>) -> bool {
    tx.send(Ok(s.into())).await.is_ok()
}

/// Streams the rows of one table for the user. With a unique `id` column the rows come in keyset
/// batches; small tables with composite keys (`None`) are read at once.
async fn section<E, C>(
    db: &DatabaseConnection,
    tx: &Tx,
    name: &str,
    cond: Condition,
    id: Option<C>,
) -> Result<bool, sea_orm::DbErr>
where
    E: EntityTrait,
    E::Model: Serialize + Sync,
    C: ColumnTrait,
{
    if !send(tx, format!(",\"{name}\":[")).await {
        return Ok(false);
    }
    let mut last: Option<Uuid> = None;
    let mut first = true;
    loop {
        let mut q = E::find().filter(cond.clone());
        if let Some(id) = id {
            q = q.order_by_asc(id).limit(BATCH);
            if let Some(v) = last {
                q = q.filter(id.gt(v));
            }
        }
        let rows = q.all(db).await?;
        let mut chunk = String::new();
        for r in &rows {
            if !first {
                chunk.push(',');
            }
            first = false;
            chunk.push_str(&serde_json::to_string(r).unwrap_or_else(|_| "null".into()));
        }
        if !send(tx, chunk).await {
            return Ok(false);
        }
        let (Some(id), Some(tail)) = (id, rows.last()) else {
            break;
        };
        if (rows.len() as u64) < BATCH {
            break;
        }
        last = serde_json::to_value(tail).ok().and_then(|v| {
            v.get(id.as_str())
                .and_then(|x| x.as_str())
                .and_then(|s| s.parse().ok())
        });
        if last.is_none() {
            break;
        }
    }
    Ok(send(tx, "]").await)
}

/// Raw bytes per base64 chunk: a multiple of 3, so the chunks' encodings concatenate into one string.
const RECORDING_CHUNK: usize = 48 * 1024;

/// The `recordings` section: every stored voice recording, base64 in `data`, read and encoded a chunk
/// at a time so a long history of 25 MB files never sits in memory. A recording removed meanwhile (or
/// unreadable) is listed with `data: null` and the reason.
async fn recordings(
    db: &DatabaseConnection,
    audio: &AudioStore,
    uid: Uuid,
    tx: &Tx,
) -> Result<bool, sea_orm::DbErr> {
    use base64::Engine;
    use tokio::io::AsyncReadExt;

    if !send(tx, ",\"recordings\":[").await {
        return Ok(false);
    }
    let mut last: Option<Uuid> = None;
    let mut first = true;
    loop {
        let mut q = answers::Entity::find()
            .filter(answers::Column::UserId.eq(uid))
            .filter(answers::Column::AudioPath.is_not_null())
            .order_by_asc(answers::Column::Id)
            .limit(BATCH);
        if let Some(v) = last {
            q = q.filter(answers::Column::Id.gt(v));
        }
        let rows = q.all(db).await?;
        for a in &rows {
            let Some(key) = a.audio_path.as_deref() else {
                continue;
            };
            let head = serde_json::json!({
                "answer_id": a.id,
                "content_type": a.audio_content_type,
                "bytes": a.audio_bytes,
                "encoding": "base64",
            })
            .to_string();
            let mut out = String::new();
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(head.trim_end_matches('}'));
            let file = match audio.path_of(key) {
                Ok(path) => tokio::fs::File::open(path).await,
                Err(e) => Err(e),
            };
            let mut file = match file {
                Ok(f) => f,
                Err(e) => {
                    out.push_str(&format!(
                        ",\"data\":null,\"error\":{}}}",
                        serde_json::Value::from(format!("recording unavailable: {}", e.kind()))
                    ));
                    if !send(tx, out).await {
                        return Ok(false);
                    }
                    continue;
                }
            };
            out.push_str(",\"data\":\"");
            if !send(tx, out).await {
                return Ok(false);
            }
            let mut buf = vec![0u8; RECORDING_CHUNK];
            loop {
                // Fill the buffer completely (short reads would break the 3-byte alignment).
                let mut filled = 0;
                while filled < buf.len() {
                    match file.read(&mut buf[filled..]).await {
                        Ok(0) => break,
                        Ok(n) => filled += n,
                        Err(e) => {
                            tracing::warn!(error = %e, "reading a recording for an export failed");
                            let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                            return Ok(false);
                        }
                    }
                }
                if filled == 0 {
                    break;
                }
                let encoded = base64::engine::general_purpose::STANDARD.encode(&buf[..filled]);
                if !send(tx, encoded).await {
                    return Ok(false);
                }
                if filled < buf.len() {
                    break;
                }
            }
            if !send(tx, "\"}").await {
                return Ok(false);
            }
        }
        if (rows.len() as u64) < BATCH {
            break;
        }
        last = rows.last().map(|a| a.id);
    }
    Ok(send(tx, "]").await)
}

/// Produces the export into `tx`. Errors end the stream early (the client sees a truncated file).
pub async fn produce(db: DatabaseConnection, audio: AudioStore, user: users::Model, tx: Tx) {
    if let Err(e) = write_all(&db, &audio, &user, &tx).await {
        tracing::error!(error = %e, "export failed");
        let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
    }
}

async fn write_all(
    db: &DatabaseConnection,
    audio: &AudioStore,
    user: &users::Model,
    tx: &Tx,
) -> Result<(), sea_orm::DbErr> {
    let uid = user.id;
    let head = serde_json::json!({
        "format_version": FORMAT_VERSION,
        "exported_at": Utc::now(),
    })
    .to_string();
    let head = head.trim_end_matches('}').to_owned();
    if !send(tx, head).await {
        return Ok(());
    }
    if !send(
        tx,
        format!(
            ",\"account\":{}",
            serde_json::to_string(user).unwrap_or_default()
        ),
    )
    .await
    {
        return Ok(());
    }
    macro_rules! by_user {
        ($entity:ident, $name:expr, $id:expr) => {
            if !section::<$entity::Entity, $entity::Column>(
                db,
                tx,
                $name,
                Condition::all().add($entity::Column::UserId.eq(uid)),
                $id,
            )
            .await?
            {
                return Ok(());
            }
        };
    }
    by_user!(
        practice_sessions,
        "sessions",
        Some(practice_sessions::Column::Id)
    );
    // Session questions belong to the user's sessions (no user_id column of their own).
    let session_ids: Vec<Uuid> = practice_sessions::Entity::find()
        .select_only()
        .column(practice_sessions::Column::Id)
        .filter(practice_sessions::Column::UserId.eq(uid))
        .into_tuple::<Uuid>()
        .all(db)
        .await?;
    if !send(tx, ",\"session_questions\":[").await {
        return Ok(());
    }
    let mut first = true;
    for chunk in session_ids.chunks(200) {
        let rows = session_questions::Entity::find()
            .filter(session_questions::Column::SessionId.is_in(chunk.to_vec()))
            .order_by_asc(session_questions::Column::SessionId)
            .order_by_asc(session_questions::Column::Position)
            .all(db)
            .await?;
        let mut out = String::new();
        for r in rows {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&serde_json::to_string(&r).unwrap_or_default());
        }
        if !send(tx, out).await {
            return Ok(());
        }
    }
    if !send(tx, "]").await {
        return Ok(());
    }
    by_user!(answers, "answers", Some(answers::Column::Id));
    if !recordings(db, audio, uid, tx).await? {
        return Ok(());
    }
    by_user!(evaluations, "evaluations", Some(evaluations::Column::Id));
    by_user!(usage_counters, "usage", None);
    by_user!(progress_daily, "progress_daily", None);
    by_user!(progress_dimensions, "progress_dimensions", None);
    by_user!(
        security_events,
        "activity",
        Some(security_events::Column::Id)
    );
    by_user!(emails, "emails", Some(emails::Column::Id));
    by_user!(auth_sessions, "devices", Some(auth_sessions::Column::Id));
    by_user!(
        refresh_tokens,
        "refresh_tokens",
        Some(refresh_tokens::Column::Id)
    );
    by_user!(user_tokens, "email_tokens", Some(user_tokens::Column::Id));
    by_user!(
        subscriptions,
        "subscription",
        Some(subscriptions::Column::Id)
    );
    by_user!(
        billing_events,
        "billing_events",
        Some(billing_events::Column::Id)
    );
    let _ = send(tx, "}").await;
    Ok(())
}
