//! The in-process batch between beacons and the counters. A beacon only appends here (a
//! mutex and a push), so it never waits on Redis; the flusher drains the batch at least every
//! `flush_interval` or as soon as `flush_max` views wait, and once more at shutdown.

use std::sync::{Mutex, PoisonError};

use tokio::sync::Notify;

use super::View;

/// Views waiting beyond this (Redis slow or down for a long while) are dropped and counted
/// as lost, so an outage cannot grow the process without bound.
pub const MAX_PENDING: usize = 200_000;

pub struct Batch {
    pending: Mutex<Vec<View>>,
    /// Wakes the flusher early when a full batch waits, or to stop it.
    pub wake: Notify,
    flush_max: usize,
}

pub enum Pushed {
    Queued,
    /// Not kept: the batch is at `MAX_PENDING`.
    Dropped(View),
}

impl Batch {
    pub fn new(flush_max: usize) -> Self {
        Self {
            pending: Mutex::new(Vec::new()),
            wake: Notify::new(),
            flush_max: flush_max.max(1),
        }
    }

    pub fn push(&self, view: View) -> Pushed {
        let len = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            if pending.len() >= MAX_PENDING {
                return Pushed::Dropped(view);
            }
            pending.push(view);
            pending.len()
        };
        if len == self.flush_max {
            self.wake.notify_one();
        }
        Pushed::Queued
    }

    /// Puts views that could not be recorded back in front of the batch (they are older),
    /// as far as `MAX_PENDING` allows; returns those that did not fit.
    pub fn requeue(&self, mut views: Vec<View>) -> Vec<View> {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        let room = MAX_PENDING.saturating_sub(pending.len());
        let dropped = views.split_off(views.len().min(room));
        views.append(&mut pending);
        *pending = views;
        dropped
    }

    /// Everything waiting, leaving the batch empty.
    pub fn take(&self) -> Vec<View> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner))
    }
}
