//! Who is asking: a bearer token, or HTTP Basic with the token's name as the user and the
//! token as the password (so that a browser can open the page).

use axum::http::{header, HeaderMap};
use base64::Engine as _;

use crate::error::ApiError;
use crate::tokens::{Right, Tokens};

/// The holder of a request's token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The token's name (what the change log records).
    pub name: String,
    /// The unit whose subtree it sees; `None` for the whole ledger (`--no-auth`).
    pub scope: Option<String>,
    /// Its rights.
    pub can: Right,
}

impl Principal {
    /// Everyone, when the service runs with `--no-auth` on a loopback address.
    pub fn anonymous() -> Principal {
        Principal {
            name: "(no auth)".to_string(),
            scope: None,
            can: Right::Admin,
        }
    }

    /// 403 unless the token has `right`.
    pub fn require(&self, right: Right) -> Result<(), ApiError> {
        if self.can >= right {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "token `{}` may {}; this needs {}",
                self.name,
                self.can.id(),
                right.id()
            )))
        }
    }
}

/// The principal of a request's headers, or 401.
pub fn principal(headers: &HeaderMap, tokens: &Tokens) -> Result<Principal, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::unauthorized(
            "no token: send `Authorization: Bearer TOKEN` (or HTTP Basic: the token's name and the token)",
        ));
    };
    let unknown = || ApiError::unauthorized("unknown token");
    let value = value.to_str().map_err(|_| unknown())?.trim();
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    let rest = rest.trim();
    let entry = if scheme.eq_ignore_ascii_case("bearer") {
        tokens.find(None, rest)
    } else if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(rest)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(unknown)?;
        let (user, password) = decoded.split_once(':').ok_or_else(unknown)?;
        tokens.find(Some(user), password)
    } else {
        return Err(ApiError::unauthorized(
            "unknown authorization scheme; use `Bearer TOKEN` or HTTP Basic",
        ));
    };
    let e = entry.ok_or_else(unknown)?;
    Ok(Principal {
        name: e.name.clone(),
        scope: Some(e.scope.clone()),
        can: e.can,
    })
}
