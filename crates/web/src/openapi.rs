//! The OpenAPI document served at `/api/openapi.json`: its frame (title, tags, the acting-user
//! security scheme) and the responses every operation shares (401 without an acting user, 500
//! with a reference id). The paths themselves come from the handlers, through
//! [`api_router`], the same router the server runs.

use crate::ApiState;
use crate::actor::SECURITY_SCHEME;
use crate::api;
use crate::error::ErrorBody;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

/// Where the document is served.
pub const DOCUMENT_PATH: &str = "/api/openapi.json";
/// The prefix of every versioned route.
pub const API_PREFIX: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kiemdiem API",
        description = "Kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên — API JSON.\n\n\
            Mỗi yêu cầu (trừ /api/v1/health) phải nêu người thực hiện trong tiêu đề `X-Kiemdiem-User`; \
            đảng viên bỏ phiếu nêu thêm `X-Kiemdiem-Member` (mã hoặc số thẻ đảng viên). \
            Lỗi trả về `{\"error\": {\"code\", \"message\", \"field\", \"rule\"}}` với mã ổn định và thông điệp tiếng Việt. \
            Hướng dẫn: docs/api.md."
    ),
    modifiers(&ActorSecurity),
    security(("acting_user" = [])),
    tags(
        (name = "health", description = "Tình trạng máy chủ"),
        (name = "orgs", description = "Cây tổ chức đảng theo ngày, lịch sử thay đổi"),
        (name = "members", description = "Đảng viên và hồ sơ theo thời gian"),
        (name = "rules", description = "Bộ quy tắc, khung tiêu chí, kiểm tra tình huống"),
        (name = "plans", description = "Kế hoạch kiểm điểm, đánh giá, xếp loại: ban hành, triển khai, công khai"),
        (name = "review", description = "Kiểm điểm: bản kiểm điểm, góp ý, hội nghị"),
        (name = "ballots", description = "Bỏ phiếu kín: khóa danh sách, bỏ phiếu, kiểm phiếu"),
        (name = "evaluation", description = "Đối tượng: tự đánh giá, thẩm định, ý kiến, đề xuất, quyết định xếp loại"),
        (name = "audit", description = "Nhật ký kiểm toán nối chuỗi băm"),
    ),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

struct ActorSecurity;

impl Modify for ActorSecurity {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SECURITY_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Kiemdiem-User",
                "Tên đăng nhập của người thực hiện (UTF-8). Thiếu → 401 `actor_required`.",
            ))),
        );
    }
}

/// The router of every `/api/v1` route together with its document.
pub fn api_router() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(API_PREFIX, api::routes())
}

/// Adds the responses every operation shares: 401 where an acting user is required, and 500.
pub fn finish(mut document: Document) -> Document {
    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                            "ErrorBody",
                        ))))
                        .build(),
                )
                .build(),
        )
    };
    for item in document.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            let public = operation
                .security
                .as_ref()
                .is_some_and(|requirements| requirements.iter().all(is_empty_requirement));
            let responses = &mut operation.responses.responses;
            if !public {
                responses.entry("401".to_string()).or_insert_with(|| {
                    error("Người thực hiện thiếu hoặc không hợp lệ (`actor_required`, `actor_invalid`)")
                });
            }
            responses
                .entry("500".to_string())
                .or_insert_with(|| error("Lỗi hệ thống (`internal`), kèm mã tham chiếu"));
        }
    }
    document
}

fn is_empty_requirement(requirement: &utoipa::openapi::security::SecurityRequirement) -> bool {
    serde_json::to_value(requirement).is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty()))
}

/// The document as served.
pub fn document() -> Document {
    finish(api_router().into_openapi())
}
