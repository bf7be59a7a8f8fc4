//! Extractors that turn the raw request into checked values, answering every refusal with an
//! [`ApiError`] in Vietnamese (axum's own rejections are English plain text):
//!
//! - [`ApiJson`]: a JSON body, NFC-normalised, with the JSON path of the first bad field;
//! - [`ApiPath`]: path parameters, a bad one named (`invalid_path`, field = the parameter);
//! - [`parse_day`] / [`parse_count`]: query parameters, parsed by hand so the parameter is named.
//!
//! The acting user lives in [`crate::actor`].

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use time::Date;
use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

/// A JSON request body. Accepts `application/json` (and `…+json`); the text is normalised to
/// NFC before parsing, so Vietnamese typed in decomposed form compares equal to stored text.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let text = json_text(request, state).await?;
        parse_json(&text).map(ApiJson)
    }
}

/// The body of a JSON request as NFC text, refusing other media types and oversized bodies.
/// An empty body reads as `{}`: a change that needs nothing but the version read can send it in
/// `If-Match` alone, and a body that needs fields is refused naming the first missing one.
pub async fn json_text<S: Send + Sync>(request: Request, state: &S) -> Result<String, ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "nội dung yêu cầu quá lớn",
                )
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "unreadable_body",
                    "không đọc được nội dung yêu cầu",
                )
            }
        })?;
    if bytes.is_empty() {
        return Ok("{}".to_string());
    }
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json" && !essence.ends_with("+json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "nội dung yêu cầu phải là JSON (Content-Type: application/json)",
        )
        .with_field("Content-Type"));
    }
    let text = String::from_utf8(bytes.to_vec()).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!(
                "nội dung yêu cầu không phải văn bản UTF-8 (lỗi ở byte thứ {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    Ok(nfc(text))
}

fn nfc(text: String) -> String {
    match is_nfc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => text,
        _ => text.nfc().collect(),
    }
}

/// Parses JSON text into `T`: a syntax error is 400 `malformed_json` with the line and column,
/// a well-formed body of the wrong shape is 422 `invalid_body` with the JSON path of the field.
pub fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    let result: Result<T, _> = serde_path_to_error::deserialize(deserializer);
    result.map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        json_error(&path, &inner)
    })
}

/// The Vietnamese answer for a serde_json error at `path` (`.` for the root).
pub fn json_error(path: &str, error: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!(
                "JSON không đúng cú pháp ở dòng {}, cột {}: {}",
                error.line(),
                error.column(),
                syntax_vi(&message_without_location(error))
            ),
        ),
        Category::Data => {
            let raw = message_without_location(error);
            let (message, missing) = data_message_vi(&raw);
            let mut field = if path == "." || path == "?" {
                String::new()
            } else {
                path.to_string()
            };
            if let Some(missing) = missing {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push_str(&missing);
            }
            let error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", message);
            if field.is_empty() {
                error
            } else {
                error.with_field(field)
            }
        }
    }
}

/// serde_json appends " at line L column C" to its messages; the location is reported apart.
fn message_without_location(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn syntax_vi(message: &str) -> String {
    let known = [
        ("EOF while parsing", "nội dung bị cắt cụt"),
        ("trailing characters", "còn ký tự thừa sau giá trị JSON"),
        ("trailing comma", "dấu phẩy thừa"),
        (
            "key must be a string",
            "tên trường phải là chuỗi trong ngoặc kép",
        ),
        ("expected value", "thiếu giá trị hoặc giá trị không hợp lệ"),
        ("expected `,` or `}`", "thiếu dấu phẩy hoặc dấu }"),
        ("expected `,` or `]`", "thiếu dấu phẩy hoặc dấu ]"),
        ("expected `:`", "thiếu dấu hai chấm"),
        ("invalid escape", "ký tự thoát không hợp lệ"),
        ("control character", "chuỗi chứa ký tự điều khiển"),
        ("invalid number", "số không hợp lệ"),
        ("number out of range", "số vượt quá giới hạn"),
        ("invalid unicode code point", "mã Unicode không hợp lệ"),
        ("lone leading surrogate", "mã Unicode không hợp lệ"),
        ("recursion limit exceeded", "cấu trúc lồng quá sâu"),
    ];
    known
        .iter()
        .find(|(english, _)| message.starts_with(english))
        .map(|(_, vi)| (*vi).to_string())
        .unwrap_or_else(|| "cú pháp không hợp lệ".to_string())
}

/// serde's list of names (`` `a`, `b` or `c` ``) as Vietnamese prose quotes them: «a», «b» hoặc
/// «c».
fn quoted(list: &str) -> String {
    let mut out = String::with_capacity(list.len() + 8);
    let mut open = false;
    for c in list.chars() {
        if c == '`' {
            out.push(if open { '»' } else { '«' });
            open = !open;
        } else {
            out.push(c);
        }
    }
    out.replace(" or ", " hoặc ")
}

/// A serde problem reported by another layer as text (a rules case file …), in Vietnamese, its
/// location ("at line L column C") left out.
pub fn serde_problem_vi(problem: &str) -> String {
    let problem = match problem.rfind(" at line ") {
        Some(at) => &problem[..at],
        None => problem,
    };
    if problem.starts_with("invalid")
        || problem.starts_with("unknown")
        || problem.starts_with("missing")
        || problem.starts_with("duplicate")
    {
        data_message_vi(problem).0
    } else if problem.is_ascii() {
        syntax_vi(problem)
    } else {
        problem.to_owned()
    }
}

/// Translates serde's data errors; also returns the name of a missing field, which serde does
/// not put in the path.
fn data_message_vi(message: &str) -> (String, Option<String>) {
    if let Some(name) = between(message, "missing field `", "`") {
        return (format!("thiếu trường bắt buộc «{name}»"), Some(name));
    }
    if let Some(name) = between(message, "duplicate field `", "`") {
        return (format!("trường «{name}» xuất hiện hai lần"), None);
    }
    if let Some(name) = between(message, "unknown field `", "`") {
        let allowed = after(message, "expected one of ")
            .or_else(|| after(message, "expected "))
            .map(|list| format!("; các trường hợp lệ: {}", quoted(list)))
            .unwrap_or_default();
        return (
            format!("trường «{name}» không được chấp nhận{allowed}"),
            None,
        );
    }
    if let Some(name) = between(message, "unknown variant `", "`") {
        let allowed = after(message, "expected one of ")
            .or_else(|| after(message, "expected "))
            .map(|list| format!("; các giá trị hợp lệ: {}", quoted(list)))
            .unwrap_or_default();
        return (format!("giá trị «{name}» không hợp lệ{allowed}"), None);
    }
    for (prefix, label) in [
        ("invalid type: ", "sai kiểu dữ liệu"),
        ("invalid value: ", "giá trị không hợp lệ"),
    ] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((got, expected)) = rest.split_once(", expected ")
        {
            return (
                format!(
                    "{label}: nhận {}, cần {}",
                    value_vi(got),
                    expected_vi(expected)
                ),
                None,
            );
        }
    }
    if let Some(rest) = message.strip_prefix("invalid length ")
        && let Some((got, expected)) = rest.split_once(", expected ")
    {
        return (
            format!(
                "số phần tử không hợp lệ: nhận {got}, cần {}",
                expected_vi(expected)
            ),
            None,
        );
    }
    // A message written by our own types is already Vietnamese; anything else is shown as is
    // behind a Vietnamese lead.
    if !message.is_ascii() {
        (message.to_string(), None)
    } else {
        (format!("dữ liệu không hợp lệ: {message}"), None)
    }
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(rest[..rest.find(end)?].to_string())
}

fn after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    text.find(marker).map(|at| &text[at + marker.len()..])
}

/// serde's description of an unexpected value (`string "abc"`, `integer `5``, `map` …).
fn value_vi(got: &str) -> String {
    let quoted = |s: &str| s.trim_matches('`').to_string();
    if let Some(rest) = got.strip_prefix("string ") {
        return format!("chuỗi {rest}");
    }
    if let Some(rest) = got.strip_prefix("integer ") {
        return format!("số nguyên {}", quoted(rest));
    }
    if let Some(rest) = got.strip_prefix("floating point ") {
        return format!("số thực {}", quoted(rest));
    }
    if let Some(rest) = got.strip_prefix("boolean ") {
        return format!("giá trị logic {}", quoted(rest));
    }
    match got {
        "null" | "unit value" => "null".to_string(),
        "map" => "đối tượng".to_string(),
        "sequence" => "mảng".to_string(),
        other => format!("«{other}»"),
    }
}

/// serde's description of what was expected (`u32`, `a string`, `struct Plan` …).
fn expected_vi(expected: &str) -> String {
    let expected = expected.trim();
    match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "số nguyên không âm".to_string(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "số nguyên".to_string(),
        "f32" | "f64" => "số".to_string(),
        "a boolean" => "giá trị logic true/false".to_string(),
        "a string" | "a borrowed string" => "chuỗi".to_string(),
        "a character" | "a char" => "một ký tự".to_string(),
        "a sequence" => "mảng".to_string(),
        "a map" => "đối tượng".to_string(),
        "a UUID string" | "UUID parsable string" => "mã UUID".to_string(),
        _ if expected.starts_with("struct ") || expected.starts_with("a map") => {
            "đối tượng".to_string()
        }
        _ if expected.starts_with("a sequence") || expected.starts_with("tuple") => {
            "mảng".to_string()
        }
        _ if expected.contains("Date") || expected.contains("date") => {
            "ngày dạng yyyy-mm-dd".to_string()
        }
        other => format!("«{}»", other.replace('`', "")),
    }
}

/// Path parameters (`/plans/{id}`). axum's own rejection is English plain text; this one is
/// `400 invalid_path` naming the parameter and what it should be.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::path::{ErrorKind, Path};
        use axum::extract::rejection::PathRejection;
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(PathRejection::FailedToDeserializePathParams(error)) => {
                let (key, value, expected) = match error.kind() {
                    ErrorKind::ParseErrorAtKey {
                        key,
                        value,
                        expected_type,
                    } => (Some(key.as_str()), value.as_str(), *expected_type),
                    ErrorKind::ParseError {
                        value,
                        expected_type,
                    }
                    | ErrorKind::ParseErrorAtIndex {
                        value,
                        expected_type,
                        ..
                    } => (None, value.as_str(), *expected_type),
                    ErrorKind::DeserializeError { key, value, .. } => (
                        Some(key.as_str()),
                        value.as_str(),
                        std::any::type_name::<T>(),
                    ),
                    ErrorKind::InvalidUtf8InPathParam { key } => (Some(key.as_str()), "", "UTF-8"),
                    _ => (None, "", std::any::type_name::<T>()),
                };
                let what = match expected {
                    e if e.contains("Uuid") => "một mã định danh (UUID)",
                    e if e.contains("i32") || e.contains("i64") || e.contains("u32") => "một số",
                    "UTF-8" => "văn bản UTF-8",
                    _ => "một giá trị hợp lệ",
                };
                let error = ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_path",
                    format!("«{value}» trong đường dẫn không phải {what}"),
                );
                // A single parameter's error does not name it: find it by its value.
                let key = match key {
                    Some(key) => Some(key.to_owned()),
                    None => axum::extract::RawPathParams::from_request_parts(parts, state)
                        .await
                        .ok()
                        .and_then(|params| {
                            params
                                .iter()
                                .find(|(_, v)| *v == value)
                                .map(|(k, _)| k.to_owned())
                        }),
                };
                Err(match key {
                    Some(key) => error.with_field(key),
                    None => error,
                })
            }
            Err(_) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_path",
                "đường dẫn không hợp lệ",
            )),
        }
    }
}

/// Query parameters. axum's own rejection is English; this one names the problem in Vietnamese.
/// Handlers keep parameters as text and parse them with [`parse_day`] and [`parse_count`], so
/// the bad parameter is named.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|q| ApiQuery(q.0))
            .map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_query",
                    format!("tham số truy vấn không hợp lệ: «{query}»"),
                )
            })
    }
}

/// The version a change is based on, from an `If-Match: "3"` header (`W/"3"` and a bare `3`
/// are accepted too). Combine with the body's `version` by [`IfMatch::version`].
#[derive(Debug, Clone, Copy, Default)]
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let text = value.to_str().unwrap_or("").trim();
        let bare = text.trim_start_matches("W/").trim_matches('"');
        bare.parse::<i64>().map(|v| IfMatch(Some(v))).map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_header",
                format!(
                    "tiêu đề If-Match «{text}» không hợp lệ: hãy ghi số phiên bản, ví dụ \"3\""
                ),
            )
            .with_field("If-Match")
        })
    }
}

impl IfMatch {
    /// The version the change is based on: the header's, the body's, or both when they agree.
    /// Without either the change is refused (428 `version_required`): a write that does not
    /// say which version it read could overwrite someone else's change.
    pub fn version(self, body: Option<i64>) -> Result<i64, ApiError> {
        match (self.0, body) {
            (Some(a), Some(b)) if a != b => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "version_mismatch",
                format!("phiên bản trong If-Match ({a}) khác phiên bản trong nội dung ({b})"),
            )
            .with_field("version")),
            (Some(v), _) | (None, Some(v)) => Ok(v),
            (None, None) => Err(ApiError::new(
                StatusCode::PRECONDITION_REQUIRED,
                "version_required",
                "thiếu phiên bản đã đọc: hãy gửi «version» trong nội dung hoặc tiêu đề If-Match",
            )
            .with_field("version")),
        }
    }
}

/// A day from a query parameter: ISO `yyyy-mm-dd` or Vietnamese `dd/mm/yyyy`; `default` (the
/// app's today) when absent.
pub fn parse_day(field: &str, value: Option<&str>, default: Date) -> Result<Date, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(default),
        Some(text) => kiemdiem_app::parse_date(text).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_date",
                format!("ngày «{text}» không hợp lệ: hãy ghi yyyy-mm-dd hoặc dd/mm/yyyy"),
            )
            .with_field(field)
        }),
    }
}

/// A non-negative count from a query parameter, `default` when absent, at most `max`.
pub fn parse_count(
    field: &str,
    value: Option<&str>,
    default: usize,
    max: usize,
) -> Result<usize, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(default),
        Some(text) => match text.parse::<usize>() {
            Ok(n) if n <= max => Ok(n),
            Ok(_) => Err(ApiError::bad_query(
                field,
                format!("«{field}» tối đa là {max}"),
            )),
            Err(_) => Err(ApiError::bad_query(
                field,
                format!("«{field}» phải là số nguyên không âm, nhận «{text}»"),
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        count: u32,
    }

    #[test]
    fn bad_fields_are_named_in_vietnamese() {
        let error = parse_json::<Body>(r#"{"name":"a","items":[{"count":1},{"count":"x"}]}"#)
            .expect_err("wrong type");
        assert_eq!(error.code(), "invalid_body");
        assert_eq!(error.field(), Some("items[1].count"));
        assert_eq!(
            error.message(),
            "sai kiểu dữ liệu: nhận chuỗi \"x\", cần số nguyên không âm"
        );

        let error = parse_json::<Body>(r#"{"items":[]}"#).expect_err("missing");
        assert_eq!(error.field(), Some("name"));
        assert_eq!(error.message(), "thiếu trường bắt buộc «name»");

        let error = parse_json::<Body>(r#"{"name":"a","items":[],"extra":1}"#).expect_err("extra");
        assert_eq!(error.field(), Some("extra"));
        assert!(
            error
                .message()
                .starts_with("trường «extra» không được chấp nhận")
        );
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let error = parse_json::<Body>("{\"name\": \"a\",\n").expect_err("cut");
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error.code(), "malformed_json");
        assert_eq!(
            error.message(),
            "JSON không đúng cú pháp ở dòng 2, cột 0: nội dung bị cắt cụt"
        );
    }

    fn today() -> Date {
        time::macros::date!(2025 - 12 - 31)
    }

    #[test]
    fn days_and_counts() {
        assert_eq!(parse_day("as_of", None, today()).ok(), Some(today()));
        assert_eq!(
            parse_day("as_of", Some("2025-07-01"), today()).ok(),
            Some(time::macros::date!(2025 - 07 - 01))
        );
        assert_eq!(
            parse_day("as_of", Some("01/07/2025"), today()).ok(),
            Some(time::macros::date!(2025 - 07 - 01))
        );
        let error = parse_day("as_of", Some("31/02/2025"), today()).expect_err("no such day");
        assert_eq!(error.field(), Some("as_of"));
        assert_eq!(error.code(), "invalid_date");
        assert_eq!(parse_count("limit", None, 100, 1000).ok(), Some(100));
        assert!(parse_count("limit", Some("1001"), 100, 1000).is_err());
        assert!(parse_count("limit", Some("-1"), 100, 1000).is_err());
    }
}
