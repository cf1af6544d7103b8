//! The import's size cap (the rows are checked in `motcua_domain::bill::import`).

/// 1 MiB: about 5 000 rows of a tax office's export, over the 2 000-row limit with room.
pub const MAX_BYTES: u64 = 1024 * 1024;
