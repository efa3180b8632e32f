//! Parsed types: a value of one of these types is valid by construction
//! ("parse, don't validate"). Request types check their shape with `validator`;
//! handlers turn them into these before anything reaches storage.

mod comment;
mod cursor;
mod ids;
mod name;

pub use comment::{CommentBody, CommentStatus, CommenterStatus, Role, Sort};
pub use cursor::{Cursor, seal, unseal};
pub use ids::{ArticleId, SiteId};
pub use name::{DisplayName, is_unsafe_in_name};
