pub mod dates;
pub mod fee_calculator;
pub mod form;
pub mod layout;
pub mod money;
pub mod receipt;
