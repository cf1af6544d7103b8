//! `use_draft`: a form's state kept in `localStorage` on every change, so it survives a reload,
//! a closed tab and a lost network (no request is involved). The stored JSON is the value
//! itself; "Hồ sơ của tôi" reads the drafts back by their key prefix [`DRAFT_PREFIX`].

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::storage;

pub const DRAFT_PREFIX: &str = "motcua.draft.";

pub struct UseDraftOptions<T> {
    /// Whether a value is worth keeping (e.g. only once the person typed something, not when the
    /// form was merely pre-filled). Values it refuses are not written; nothing is removed.
    pub keep: fn(&T) -> bool,
}

impl<T> Default for UseDraftOptions<T> {
    fn default() -> Self {
        Self { keep: |_| true }
    }
}

pub struct UseDraftReturn<T: Send + Sync + 'static> {
    /// The draft; every change is saved.
    pub draft: RwSignal<T>,
    /// True when a saved draft was found under the key.
    pub restored: bool,
    /// Forgets the saved draft (after the dossier was sent).
    pub clear: Callback<()>,
}

#[allow(dead_code)] // the hook's plain form; the dossier form needs the `keep` option
pub fn use_draft<T>(key: &str) -> UseDraftReturn<T>
where
    T: Serialize + DeserializeOwned + Default + Clone + PartialEq + Send + Sync + 'static,
{
    use_draft_with_options(key, UseDraftOptions::default())
}

pub fn use_draft_with_options<T>(key: &str, options: UseDraftOptions<T>) -> UseDraftReturn<T>
where
    T: Serialize + DeserializeOwned + Default + Clone + PartialEq + Send + Sync + 'static,
{
    let key = format!("{DRAFT_PREFIX}{key}");
    let saved = storage::get(&key).and_then(|s| serde_json::from_str::<T>(&s).ok());
    let restored = saved.is_some();
    let draft = RwSignal::new(saved.unwrap_or_default());
    let cleared = RwSignal::new(false);
    let save_key = key.clone();
    let keep = options.keep;
    Effect::watch(
        move || draft.get(),
        move |value, _, _| {
            if !cleared.get_untracked() && keep(value) {
                if let Ok(json) = serde_json::to_string(value) {
                    storage::set(&save_key, &json);
                }
            }
        },
        false,
    );
    let clear = Callback::new(move |_| {
        cleared.set(true);
        storage::remove(&key);
    });
    UseDraftReturn { draft, restored, clear }
}

/// The saved drafts whose JSON parses as `T`, with their keys (without the prefix).
pub fn saved_drafts<T: DeserializeOwned>() -> Vec<(String, T)> {
    storage::keys(DRAFT_PREFIX)
        .into_iter()
        .filter_map(|k| {
            let v = serde_json::from_str::<T>(&storage::get(&k)?).ok()?;
            Some((k.trim_start_matches(DRAFT_PREFIX).to_string(), v))
        })
        .collect()
}
