//! D1 conveniences: typed rows out of a prepared statement.

use serde::de::DeserializeOwned;
use worker::D1PreparedStatement;

use super::error::ApiError;

pub async fn all<T: DeserializeOwned>(stmt: D1PreparedStatement) -> Result<Vec<T>, ApiError> {
    Ok(stmt.all().await?.results::<T>()?)
}

pub async fn first<T: DeserializeOwned>(stmt: D1PreparedStatement) -> Result<Option<T>, ApiError> {
    Ok(stmt.first::<T>(None).await?)
}

/// An optional text for a D1 binding: D1 refuses `undefined`, so `None` becomes SQL NULL.
pub fn nullable(value: Option<&str>) -> worker::wasm_bindgen::JsValue {
    value.map(worker::wasm_bindgen::JsValue::from).unwrap_or(worker::wasm_bindgen::JsValue::NULL)
}
