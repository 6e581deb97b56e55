//! In-process fan-out of live updates (evaluation progress) to Server-Sent Event streams.
//! Other processes' updates reach a stream through its periodic database re-check, so this is an
//! accelerator, not the source of truth.
use serde_json::Value;
use tokio::sync::broadcast;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct LiveEvent {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub event: &'static str,
    pub data: Value,
}

#[derive(Clone)]
pub struct LiveEvents(broadcast::Sender<LiveEvent>);

impl Default for LiveEvents {
    fn default() -> Self {
        Self(broadcast::channel(1024).0)
    }
}

impl LiveEvents {
    pub fn publish(&self, event: LiveEvent) {
        // No subscribers is fine.
        let _ = self.0.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.0.subscribe()
    }
}
