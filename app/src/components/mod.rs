pub mod fee_calculator;
pub mod layout;
pub mod money;
pub mod receipt;
