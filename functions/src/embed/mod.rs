//! Embedding on commune portals: the page a portal's `embed.js` frames (`/nhung/{agency}`), the
//! origins each agency allows (set by admins in `desk::admin`), and the anti-framing headers every
//! other response of the Worker carries. The rules (origin and colour parsing, the policy text)
//! are `motcua_domain::embed`.

pub mod poster;
pub mod repo;
pub mod routes;

pub use routes::deny_framing;
