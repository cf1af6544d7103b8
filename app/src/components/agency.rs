//! The agency the citizen is dealing with (a commune's People's Committee, usually): chosen once
//! through the tree or by search, remembered on the phone, shown in the header, and used by the
//! procedure list and the dossier form.

use leptos::prelude::*;
use motcua_domain::api::AgencyNode;
use serde::{Deserialize, Serialize};

use crate::storage;

const KEY: &str = "motcua.agency";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChosenAgency {
    pub code: String,
    pub name: String,
}

/// The app-wide chosen agency (provided once in `App`).
#[derive(Clone, Copy)]
pub struct Chosen(pub RwSignal<Option<ChosenAgency>>);

pub fn provide_chosen() {
    let saved = storage::get(KEY).and_then(|s| serde_json::from_str::<ChosenAgency>(&s).ok());
    let chosen = RwSignal::new(saved);
    Effect::new(move || match chosen.get() {
        Some(a) => {
            storage::set(KEY, &serde_json::to_string(&a).unwrap_or_default());
            storage::set_cookie(KEY, Some(&a.code));
        }
        None => {
            storage::remove(KEY);
            storage::set_cookie(KEY, None);
        }
    });
    provide_context(Chosen(chosen));
}

pub fn use_chosen() -> RwSignal<Option<ChosenAgency>> {
    expect_context::<Chosen>().0
}

/// Every agency with the names of its ancestors ("Hà Tĩnh › Hương Sơn"), depth-first, as the
/// Worker's chooser page lists them (`motcua_domain::pages::agencies::flatten`), without children.
pub fn flatten(nodes: &[AgencyNode]) -> Vec<(AgencyNode, String)> {
    motcua_domain::pages::agencies::flatten(nodes).into_iter().map(|(n, path)| (AgencyNode { children: Vec::new(), ..n.clone() }, path)).collect()
}
