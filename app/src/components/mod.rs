pub mod dates;
pub mod agency;
pub mod attachments;
pub mod fee_calculator;
pub mod form;
pub mod layout;
pub mod money;
pub mod receipt;
