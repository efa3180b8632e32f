//! SSO: the host site signs an HS256 JWT with its own secret. A token signed for another site
//! fails the signature check, because each site has its own secret.

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use secrecy::ExposeSecret;
use serde::Deserialize;

use crate::config::SiteSettings;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Deserialize)]
pub struct SsoClaims {
    pub sub: String,
    pub name: String,
    #[serde(default)]
    pub avatar: Option<String>,
    pub exp: i64,
    /// The host site marks its own journalists and moderators.
    #[serde(default)]
    pub staff: bool,
}

pub fn verify_sso(token: &str, site: &SiteSettings, now: time::OffsetDateTime) -> ApiResult<SsoClaims> {
    let Some(secret) = &site.sso_secret else {
        return Err(ApiError::unauthorized(
            "sso_not_configured",
            "this site does not accept sign-in tokens",
        ));
    };
    // The algorithm is pinned: `alg: none` or RS256-with-the-secret-as-key tokens are refused.
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_required_spec_claims(&["exp", "sub"]);
    validation.validate_aud = false;
    // Expiry is checked below against the service clock (which tests can move).
    validation.validate_exp = false;
    let key = DecodingKey::from_secret(secret.expose_secret().as_bytes())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("SSO secret unusable: {e}")))?;
    let claims = decode::<SsoClaims>(token, &key, &validation)
        .map_err(|e| ApiError::unauthorized("invalid_token", format!("the sign-in token is not valid: {e}")))?
        .claims;
    if claims.exp <= now.unix_timestamp() {
        return Err(ApiError::unauthorized(
            "token_expired",
            "the sign-in token has expired",
        ));
    }
    let bad = |what: &str| {
        ApiError::unauthorized(
            "invalid_token",
            format!("the sign-in token's {what} is not valid"),
        )
    };
    if claims.sub.is_empty() || claims.sub.len() > 128 || claims.sub.chars().any(char::is_control) {
        return Err(bad("sub"));
    }
    let name = claims.name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(crate::domain::is_unsafe_in_name) {
        return Err(bad("name"));
    }
    if claims
        .avatar
        .as_deref()
        .is_some_and(|a| a.len() > 512 || !a.starts_with("https://"))
    {
        return Err(bad("avatar"));
    }
    Ok(SsoClaims {
        name: name.to_string(),
        ..claims
    })
}
