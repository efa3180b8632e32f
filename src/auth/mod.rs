//! Who is calling: a commenter (SSO token signed by the host site, or a guest token this
//! service issued), a staff member (API key), or nobody.
//!
//! `Authorization: Bearer mk_…` is a staff key, `Bearer <jwt>` a commenter's SSO token,
//! `Guest <token>` a guest.

mod guest;
mod sso;
mod staff;

use actix_web::HttpRequest;
use actix_web::http::header;
use uuid::Uuid;

pub use guest::GuestTokens;
pub use sso::{SsoClaims, verify_sso};
pub use staff::{generate_staff_key, hash_staff_key};

use crate::config::SiteSettings;
use crate::domain::Role;
use crate::error::{ApiError, ApiResult};
use crate::storage::{NewCommenter, StaffKey, Store};

/// The credentials of a request, not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    None,
    Bearer(String),
    Guest(String),
}

const MAX_CREDENTIAL_LEN: usize = 4096;

impl Credentials {
    pub fn from_request(req: &HttpRequest) -> ApiResult<Self> {
        let Some(value) = req.headers().get(header::AUTHORIZATION) else {
            return Ok(Self::None);
        };
        let value = value.to_str().map_err(|_| {
            ApiError::unauthorized("invalid_authorization", "the Authorization header is not text")
        })?;
        if value.len() > MAX_CREDENTIAL_LEN {
            return Err(ApiError::unauthorized(
                "invalid_authorization",
                "the Authorization header is too long",
            ));
        }
        match value.split_once(' ') {
            Some(("Bearer", token)) if !token.is_empty() => Ok(Self::Bearer(token.to_string())),
            Some(("Guest", token)) if !token.is_empty() => Ok(Self::Guest(token.to_string())),
            _ => Err(ApiError::unauthorized(
                "invalid_authorization",
                "use `Authorization: Bearer <token>` or `Authorization: Guest <token>`",
            )),
        }
    }

    pub fn is_staff_key(&self) -> bool {
        matches!(self, Self::Bearer(t) if t.starts_with(staff::PREFIX))
    }
}

/// A commenter whose credentials checked out, not yet stored.
#[derive(Debug, Clone)]
pub enum CommenterIdentity {
    Sso(SsoClaims),
    Guest(Uuid),
}

impl CommenterIdentity {
    /// The row to upsert for this identity; guests need the name they typed.
    pub fn to_new_commenter(&self, site: &str, guest_name: Option<&str>) -> NewCommenter {
        match self {
            Self::Sso(claims) => NewCommenter {
                id: self.commenter_id(site),
                site: site.to_string(),
                external_id: claims.sub.clone(),
                name: claims.name.clone(),
                avatar: claims.avatar.clone(),
                is_staff: claims.staff,
                is_guest: false,
            },
            Self::Guest(id) => NewCommenter {
                id: *id,
                site: site.to_string(),
                external_id: format!("guest:{}", id.simple()),
                name: guest_name.unwrap_or("").to_string(),
                avatar: None,
                is_staff: false,
                is_guest: true,
            },
        }
    }

    /// The commenter id this identity is stored under. SSO ids are derived from `(site, sub)`
    /// so a reader is recognised without a database read; guest ids are in their token.
    pub fn commenter_id(&self, site: &str) -> Uuid {
        match self {
            Self::Guest(id) => *id,
            Self::Sso(claims) => {
                let name = format!("{site}\u{0}{}", claims.sub);
                Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes())
            }
        }
    }

    /// The external id this identity is stored under.
    pub fn external_id(&self) -> String {
        match self {
            Self::Sso(claims) => claims.sub.clone(),
            Self::Guest(id) => format!("guest:{}", id.simple()),
        }
    }
}

/// Checks commenter credentials for `site`. `Ok(None)` when there are none.
pub fn commenter_identity(
    credentials: &Credentials,
    site_id: &str,
    site: &SiteSettings,
    guests: &GuestTokens,
    now: time::OffsetDateTime,
) -> ApiResult<Option<CommenterIdentity>> {
    match credentials {
        Credentials::None => Ok(None),
        Credentials::Bearer(_) if credentials.is_staff_key() => Err(ApiError::forbidden(
            "staff_key_not_commenter",
            "staff keys moderate; post comments through the site's login",
        )),
        Credentials::Bearer(token) => Ok(Some(CommenterIdentity::Sso(verify_sso(token, site, now)?))),
        Credentials::Guest(token) => {
            if !site.guests {
                return Err(ApiError::forbidden(
                    "guests_not_allowed",
                    "this site requires signing in to comment",
                ));
            }
            let id = guests.verify(site_id, token).ok_or_else(|| {
                ApiError::unauthorized("invalid_guest_token", "the guest token is not valid")
            })?;
            Ok(Some(CommenterIdentity::Guest(id)))
        }
    }
}

/// Checks a staff key and that its role is at least `min`.
pub async fn require_staff(credentials: &Credentials, store: &dyn Store, min: Role) -> ApiResult<StaffKey> {
    let Credentials::Bearer(token) = credentials else {
        return Err(ApiError::unauthorized(
            "staff_key_required",
            "this endpoint needs a staff API key",
        ));
    };
    if !credentials.is_staff_key() {
        return Err(ApiError::unauthorized(
            "staff_key_required",
            "this endpoint needs a staff API key",
        ));
    }
    let key = staff::verify(token, store).await?;
    match key.role() {
        Some(role) if role >= min => Ok(key),
        _ => Err(ApiError::forbidden(
            "insufficient_role",
            format!("this needs the {} role", min.as_str()),
        )),
    }
}
