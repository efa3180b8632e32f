//! Moderation: the queues, what each decision does to a comment, the queue cursor, and the
//! effects that follow a committed decision (live events, the classifier, metrics).
//! The transactions themselves live in `storage::moderation`.

pub mod depth;
pub mod effects;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::{CommentStatus, seal, unseal};

/// The moderation queues (SPEC §5). "Reported" is not a status: published comments whose open
/// reports reach the site's threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Queue {
    Pending,
    Reported,
    Spam,
    Rejected,
}

impl Queue {
    pub const ALL: [Queue; 4] = [Queue::Pending, Queue::Reported, Queue::Spam, Queue::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Reported => "reported",
            Self::Spam => "spam",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.as_str() == s)
    }

    /// The status of the comments in this queue.
    pub fn status(self) -> CommentStatus {
        match self {
            Self::Pending => CommentStatus::Pending,
            Self::Reported => CommentStatus::Published,
            Self::Spam => CommentStatus::Spam,
            Self::Rejected => CommentStatus::Rejected,
        }
    }
}

/// Queue orders: `oldest` first, or `priority` (see `storage::moderation::PRIORITY_KEY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueOrder {
    #[default]
    Oldest,
    Priority,
}

impl QueueOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Oldest => "oldest",
            Self::Priority => "priority",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionAction {
    /// Publish (or, on a reported comment, keep published and dismiss the reports).
    Approve,
    Reject,
    /// Reject as spam: the classifier learns it as spam.
    Spam,
    /// Undo a rejection or a spam verdict: publish again.
    Restore,
}

impl DecisionAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Spam => "spam",
            Self::Restore => "restore",
        }
    }

    /// The status a comment in `before` ends in, or `None` when the action does not apply.
    /// A tombstone is its author's: no decision brings it back. `restore` is for what was
    /// rejected or classed as spam; the other actions apply to any live comment, so a
    /// moderator can correct a decision from any queue.
    pub fn target(self, before: CommentStatus) -> Option<CommentStatus> {
        use CommentStatus as S;
        match (self, before) {
            (_, S::Deleted) => None,
            (Self::Restore, S::Rejected | S::Spam) => Some(S::Published),
            (Self::Restore, _) => None,
            (Self::Approve, _) => Some(S::Published),
            (Self::Reject, _) => Some(S::Rejected),
            (Self::Spam, _) => Some(S::Spam),
        }
    }
}

/// Why a moderator rejected a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    Spam,
    Abuse,
    OffTopic,
    PersonalInfo,
    Other,
}

impl RejectReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Spam => "spam",
            Self::Abuse => "abuse",
            Self::OffTopic => "off_topic",
            Self::PersonalInfo => "personal_info",
            Self::Other => "other",
        }
    }
}

/// A queue page's keyset position: the priority key and id of the last item, for one queue
/// and order (a cursor of another queue or order is refused, like a forged one).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueCursor {
    pub score: f64,
    pub id: Uuid,
}

impl QueueCursor {
    pub fn encode(&self, queue: Queue, order: QueueOrder, key: &[u8]) -> String {
        let payload = format!(
            "q:{}:{}:{}:{}",
            queue.as_str(),
            order.as_str(),
            self.score.to_bits(),
            self.id.simple()
        );
        seal(&payload, key)
    }

    pub fn decode(raw: &str, queue: Queue, order: QueueOrder, key: &[u8]) -> Option<Self> {
        let text = unseal(raw, key)?;
        let mut parts = text.split(':');
        let ok = parts.next()? == "q" && parts.next()? == queue.as_str() && parts.next()? == order.as_str();
        let score = f64::from_bits(parts.next()?.parse().ok()?);
        let id = Uuid::parse_str(parts.next()?).ok()?;
        (ok && parts.next().is_none()).then_some(Self { score, id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_applies_only_to_rejected_or_spam_and_nothing_revives_a_tombstone() {
        use CommentStatus as S;
        assert_eq!(DecisionAction::Restore.target(S::Rejected), Some(S::Published));
        assert_eq!(DecisionAction::Restore.target(S::Spam), Some(S::Published));
        assert_eq!(DecisionAction::Restore.target(S::Pending), None);
        assert_eq!(DecisionAction::Approve.target(S::Pending), Some(S::Published));
        assert_eq!(DecisionAction::Reject.target(S::Published), Some(S::Rejected));
        for action in [
            DecisionAction::Approve,
            DecisionAction::Reject,
            DecisionAction::Spam,
        ] {
            assert_eq!(action.target(S::Deleted), None);
        }
    }

    #[test]
    fn a_queue_cursor_round_trips_for_its_own_queue_and_order_only() {
        let c = QueueCursor {
            score: 0.73,
            id: Uuid::now_v7(),
        };
        let raw = c.encode(Queue::Pending, QueueOrder::Priority, b"k");
        assert_eq!(
            QueueCursor::decode(&raw, Queue::Pending, QueueOrder::Priority, b"k"),
            Some(c)
        );
        assert_eq!(
            QueueCursor::decode(&raw, Queue::Spam, QueueOrder::Priority, b"k"),
            None
        );
        assert_eq!(
            QueueCursor::decode(&raw, Queue::Pending, QueueOrder::Oldest, b"k"),
            None
        );
        assert_eq!(
            QueueCursor::decode(&raw, Queue::Pending, QueueOrder::Priority, b"x"),
            None
        );
    }
}
