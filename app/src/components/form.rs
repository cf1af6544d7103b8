//! Form pieces shared by every page that asks for input: a labelled field that shows its error
//! beside it (from the domain's parsers while typing, or from the server's `field`), and the
//! one-error-at-a-time state behind it.

use leptos::prelude::*;
use motcua_domain::validation::FieldError;

use crate::api::ApiFailure;

/// The errors to show: at their field, or for the whole form when `field` is `None`. The server
/// sends one; the dossier form's live checks may show several.
#[derive(Clone, Default, PartialEq)]
pub struct Errors {
    pub items: Vec<(Option<String>, String)>,
}

impl Errors {
    pub fn at(&self, field: &str) -> Option<String> {
        self.items.iter().find(|(f, _)| f.as_deref() == Some(field)).map(|(_, m)| m.clone())
    }
    pub fn general(&self) -> Option<String> {
        self.items.iter().find(|(f, m)| f.is_none() && !m.is_empty()).map(|(_, m)| m.clone())
    }
    pub fn many(errors: Vec<FieldError>) -> Self {
        Errors { items: errors.into_iter().map(|e| (Some(e.field), e.message_vi)).collect() }
    }
    pub fn first_field(&self) -> Option<String> {
        self.items.iter().find_map(|(f, _)| f.clone())
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl From<FieldError> for Errors {
    fn from(e: FieldError) -> Self {
        Errors { items: vec![(Some(e.field), e.message_vi)] }
    }
}

impl From<ApiFailure> for Errors {
    fn from(e: ApiFailure) -> Self {
        Errors { items: vec![(e.field, e.message)] }
    }
}

/// The element id of a field's input (`applicant.phone` → `f-applicant-phone`).
pub fn input_id(name: &str) -> String {
    format!("f-{}", name.replace(['.', '[', ']'], "-"))
}

#[component]
pub fn Field(label: &'static str, name: &'static str, value: RwSignal<String>, errors: RwSignal<Errors>, #[prop(optional)] kind: &'static str, #[prop(optional)] autocomplete: &'static str, #[prop(optional)] inputmode: &'static str) -> impl IntoView {
    let id = input_id(name);
    let err_id = format!("e-{}", name.replace(['.', '[', ']'], "-"));
    let label_for = id.clone();
    let error = move || errors.read().at(name);
    view! {
        <label class="field" for=label_for>
            <span>{label}</span>
            <input
                id=id
                name=name
                type=if kind.is_empty() { "text" } else { kind }
                autocomplete=autocomplete
                inputmode=inputmode
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=err_id.clone()
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <span class="field-error" id=err_id role="alert">{error}</span>
        </label>
    }
}

