//! motcua's functional core. Everything that decides a rule lives here, free of I/O, so that the
//! citizen app (wasm), the edge functions (wasm) and the native tests all run the same code.
//! Time and randomness come in as arguments.

pub mod api;
pub mod calendar;
pub mod fee;
pub mod money;
pub mod text;
pub mod validation;
