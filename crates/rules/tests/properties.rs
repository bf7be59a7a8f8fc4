//! The one integration-test binary of kiemdiem-rules (every test binary costs link time): property
//! tests of the quota, of the caps and of ballots, and the seeds' own situations reproduced.
//! The modules live in `tests/properties/`.

#[path = "properties/ballots.rs"]
mod ballots;
#[path = "properties/caps.rs"]
mod caps;
#[path = "properties/quota.rs"]
mod quota;
#[path = "properties/seeds.rs"]
mod seeds;
#[path = "properties/strategies.rs"]
mod strategies;
