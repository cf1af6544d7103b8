pub mod account;
pub mod dossier;
pub mod home;
pub mod my_dossiers;
pub mod not_found;
pub mod procedure;
pub mod receipt;
