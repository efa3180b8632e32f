//! The commenter behind a request, when there is one.

use crate::auth::{CommenterIdentity, Credentials, commenter_identity};
use crate::config::SiteSettings;
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::HttpRequest;

/// The identity of the request's commenter on `site`, if any credentials were sent.
pub fn identify(
    req: &HttpRequest,
    state: &AppState,
    site_id: &str,
    site: &SiteSettings,
) -> ApiResult<Option<CommenterIdentity>> {
    let credentials = Credentials::from_request(req)?;
    commenter_identity(
        &credentials,
        site_id,
        site,
        &state.keys.guest_tokens,
        state.clock.now(),
    )
}
