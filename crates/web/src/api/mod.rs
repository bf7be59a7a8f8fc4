//! The `/api/v1` routes, one module per group of resources. Each module exposes `routes()`, an
//! [`OpenApiRouter`] whose handlers carry their OpenAPI description (`#[utoipa::path]`).

pub mod accounts;
pub mod after;
pub mod audit;
pub mod ballots;
pub mod commitments;
pub mod discipline;
pub mod dossiers;
pub mod facts;
pub mod frameworks;
pub mod health;
pub mod inbox;
pub mod leaders;
pub mod meetings;
pub mod members;
pub mod orgs;
pub mod plans;
pub mod records;
pub mod reports;
pub mod reviews;
pub mod rewards;
pub mod rules;
pub mod schema;
pub mod scoring;
pub mod sitting;
pub mod subjects;
pub mod views;

use crate::ApiState;
use utoipa_axum::router::OpenApiRouter;

/// Every `/api/v1` route, with paths relative to `/api/v1`.
pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .merge(health::routes())
        .merge(accounts::routes())
        .merge(inbox::routes())
        .merge(orgs::routes())
        .merge(records::routes())
        .merge(members::routes())
        .merge(discipline::routes())
        .merge(rules::routes())
        .merge(frameworks::routes())
        .merge(plans::routes())
        .merge(subjects::routes())
        .merge(sitting::routes())
        .merge(scoring::routes())
        .merge(leaders::routes())
        .merge(facts::routes())
        .merge(reviews::routes())
        .merge(meetings::routes())
        .merge(ballots::routes())
        .merge(audit::routes())
        .merge(reports::routes())
        .merge(after::routes())
        .merge(rewards::routes())
        .merge(commitments::routes())
        .merge(dossiers::routes())
}
