//! Thin adapters over the Workers platform: configuration and secrets, the error envelope,
//! request helpers and D1 conveniences. Features use these instead of touching bindings by name.

pub mod clock;
pub mod config;
pub mod address_limit;
pub mod db;
pub mod error;
pub mod http;
pub mod outbound;
pub mod random;
pub mod settings;
pub mod shards;
pub mod email;
pub mod sms;
pub mod zns;
