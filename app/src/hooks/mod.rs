//! Reusable browser behaviour as hooks in the leptos-use shape (`use_x()`,
//! `use_x_with_options(..)`, returning `UseXReturn`), written against the browser's own APIs so
//! the bundle carries no extra crate.

pub mod draft;
pub mod online;
pub mod poll;
