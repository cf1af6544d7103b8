//! Form pieces shared by every page that asks for input: a labelled field that shows its error
//! beside it (from the domain's parsers while typing, or from the server's `field`), and the
//! one-error-at-a-time state behind it.

use leptos::prelude::*;
use motcua_domain::validation::FieldError;

use crate::api::ApiFailure;

/// The error to show at each field (one at a time, as the server sends one; the dossier form
/// shows the first of its live checks, top to bottom).
#[derive(Clone, Default, PartialEq)]
pub struct Errors {
    pub field: Option<String>,
    pub message: String,
}

impl Errors {
    pub fn at(&self, field: &str) -> Option<String> {
        (self.field.as_deref() == Some(field)).then(|| self.message.clone())
    }
    pub fn general(&self) -> Option<String> {
        (self.field.is_none() && !self.message.is_empty()).then(|| self.message.clone())
    }
    /// The first of several problems (form order), or none.
    pub fn first(errors: Vec<FieldError>) -> Self {
        errors.into_iter().next().map(Errors::from).unwrap_or_default()
    }
}

impl From<FieldError> for Errors {
    fn from(e: FieldError) -> Self {
        Errors { field: Some(e.field), message: crate::i18n::pick(e.message_vi, e.message_en) }
    }
}

impl From<ApiFailure> for Errors {
    fn from(e: ApiFailure) -> Self {
        Errors { field: e.field, message: e.message }
    }
}

/// Moves the focus to the element with this id (a field's input), if it is on the page.
pub fn focus_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// The element id of a field's input (`applicant.phone` → `f-applicant-phone`).
pub fn input_id(name: &str) -> String {
    format!("f-{}", name.replace(['.', '[', ']'], "-"))
}

/// A labelled input whose error is the one at `name`. `id` sets the element id when the same
/// field name appears in several forms of a page (each agency purpose, each provider).
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<Errors>,
    #[prop(optional)] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] inputmode: &'static str,
    #[prop(optional)] id: Option<String>,
    #[prop(optional)] hint: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let (id, err_id) = match id {
        Some(id) => (id.clone(), format!("e-{id}")),
        None => (input_id(name), format!("e-{}", name.replace(['.', '[', ']'], "-"))),
    };
    let hint_id = format!("h-{id}");
    let described = match hint {
        Some(_) => format!("{hint_id} {err_id}"),
        None => err_id.clone(),
    };
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
                aria-describedby=described
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {hint.map(|h| view! { <span class="field-hint" id=hint_id>{move || h.get()}</span> })}
            <span class="field-error" id=err_id role="alert">{error}</span>
        </label>
    }
}

