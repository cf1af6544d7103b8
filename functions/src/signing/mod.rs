//! Remote signing (issue 17): each agency's account at the remote-signing provider that holds
//! its key (`GET|PUT /api/admin/agencies/{code}/signing`, [`routes`], [`store`]), the provider's
//! HTTP side that the sign route calls ([`provider::certificate`], [`provider::sign_digest`]),
//! and, with the `sandbox` feature and `SANDBOX=1` only, the provider's sandbox and its test CA
//! ([`sandbox`]: `/sandbox/ca.pem`, `/sandbox/smartca/sca/sp769/…`). The protocol and the rules
//! are the domain's (`motcua_domain::signing`).

// Called by the sign route (the integrator's); until then only the sandbox's try route uses it.
#[cfg_attr(not(feature = "sandbox"), allow(dead_code))]
pub mod provider;
pub mod routes;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod store;
