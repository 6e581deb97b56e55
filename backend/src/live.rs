//! In-process fan-out of live updates (evaluation progress) to Server-Sent Event streams.
//! Other processes' updates reach a stream through its periodic database re-check, so this is an
//! accelerator, not the source of truth.
use serde_json::Value;
use std::sync::Arc;

use tokio::sync::{broadcast, watch};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct LiveEvent {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub event: &'static str,
    pub data: Value,
}

#[derive(Clone)]
pub struct LiveEvents {
    events: broadcast::Sender<LiveEvent>,
    /// Turns true when the process shuts down: open streams end, so they do not hold the shutdown.
    closing: Arc<watch::Sender<bool>>,
}

impl Default for LiveEvents {
    fn default() -> Self {
        Self {
            events: broadcast::channel(1024).0,
            closing: Arc::new(watch::channel(false).0),
        }
    }
}

impl LiveEvents {
    pub fn publish(&self, event: LiveEvent) {
        // No subscribers is fine.
        let _ = self.events.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.events.subscribe()
    }

    /// Ends every open stream (graceful shutdown); clients reconnect to another process.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Watches for [`LiveEvents::close`].
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }
}
