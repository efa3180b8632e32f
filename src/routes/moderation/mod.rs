//! `/v1/moderation/…`: what moderators use. Every route here needs a staff key.

pub mod audit;
pub mod claims;
pub mod comment;
pub mod decisions;
pub mod filter;
pub mod lexicon;
pub mod queues;
pub mod user_data;
pub mod users;
pub mod views;

use actix_web::HttpRequest;

use crate::auth::{Credentials, require_staff};
use crate::domain::Role;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::storage::StaffKey;

/// The request's staff key, if it has at least `role`.
pub async fn staff(req: &HttpRequest, state: &AppState, role: Role) -> ApiResult<StaffKey> {
    require_staff(&Credentials::from_request(req)?, state.store.as_ref(), role).await
}
