//! In-process fan-out of live updates (evaluation progress) to Server-Sent Event streams.
//! Other processes' updates reach a stream through its periodic database re-check, so this is an
//! accelerator, not the source of truth.
use serde_json::Value;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

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
    /// Open streams per user in this process, capped at [`MAX_STREAMS_PER_USER`].
    streams: Arc<Mutex<HashMap<Uuid, usize>>>,
}

/// A user rarely needs more than a tab or two streaming; the cap bounds what one account can hold open.
pub const MAX_STREAMS_PER_USER: usize = 5;

impl Default for LiveEvents {
    fn default() -> Self {
        Self {
            events: broadcast::channel(1024).0,
            closing: Arc::new(watch::channel(false).0),
            streams: Arc::default(),
        }
    }
}

/// One open stream of a user; dropping it frees the slot.
pub struct StreamSlot {
    streams: Arc<Mutex<HashMap<Uuid, usize>>>,
    user_id: Uuid,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = streams.get_mut(&self.user_id) {
            *n -= 1;
            if *n == 0 {
                streams.remove(&self.user_id);
            }
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

    /// Takes one of the user's stream slots; `None` when they already hold the maximum.
    pub fn open_stream(&self, user_id: Uuid) -> Option<StreamSlot> {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        let n = streams.entry(user_id).or_default();
        if *n >= MAX_STREAMS_PER_USER {
            return None;
        }
        *n += 1;
        Some(StreamSlot {
            streams: self.streams.clone(),
            user_id,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_slots_are_capped_per_user_and_freed_on_drop() {
        let live = LiveEvents::default();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let held: Vec<_> = (0..MAX_STREAMS_PER_USER)
            .map(|_| live.open_stream(a).expect("slot"))
            .collect();
        assert!(live.open_stream(a).is_none());
        assert!(
            live.open_stream(b).is_some(),
            "another user is not affected"
        );
        drop(held);
        assert!(live.open_stream(a).is_some());
    }
}
