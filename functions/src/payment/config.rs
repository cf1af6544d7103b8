//! What every provider adapter shares: the "not configured" refusal and the deployment's public
//! address. Which merchant's credentials a payment uses is `merchants`'s decision.

use motcua_domain::gateway::Provider;
use motcua_domain::validation::FieldError;

use crate::platform::error::ApiError;

pub use crate::platform::config::public_base_url as public_base;

pub fn provider_unavailable(provider: Provider) -> ApiError {
    ApiError::Invalid(FieldError::new(
        "provider",
        "provider_unavailable",
        format!("Hình thức thanh toán {} chưa được cấu hình cho cơ quan này.", provider.label()),
        format!("{} is not configured for this agency.", provider.as_str()),
    ))
}
