//! Embedding the citizen app on a commune's own website (`public/embed.js`): which web origins
//! an admin may list as allowed to frame an agency's page, the theme colour a portal may pass,
//! and the `Content-Security-Policy` the Worker sends. Every other page is never framed.
//!
//! Origins are kept in their serialized form (`https://host[:port]`, lower case, no path), the
//! exact string a browser puts in `event.origin` and compares with `frame-ancestors`. Plain
//! `http` is accepted only for loopback hosts, so a developer can run the demo portal locally.

use crate::validation::FieldError;

/// The CSP of every page that is not an embed page.
pub const FRAME_NONE: &str = "frame-ancestors 'none'";
/// How many origins one agency may list (a commune has a portal, maybe a mirror or two).
pub const MAX_ORIGINS: usize = 10;

fn bad_origin(field: &str) -> FieldError {
    FieldError::new(
        field,
        "invalid_origin",
        "Địa chỉ trang web phải có dạng https://ten-mien (không có đường dẫn).",
        "An origin must look like https://host[:port], without a path.",
    )
}

/// A web origin an agency's page may be framed by: `https://host[:port]` (or `http://` on a
/// loopback host), lower-cased, default port dropped, no path, query, fragment or credentials.
pub fn parse_origin(field: &str, s: &str) -> Result<String, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldError::required(field));
    }
    let lower = s.to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://").ok_or_else(|| bad_origin(field))?;
    // A lone trailing slash is what people copy from the address bar; anything more is a path.
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() || rest.len() > 253 || rest.contains(['/', '?', '#', '@', '\\', ' ', '*', '\'', '"', ';', ',']) {
        return Err(bad_origin(field));
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => {
            let port: u16 = p.parse().map_err(|_| bad_origin(field))?;
            if port == 0 || p.starts_with('0') {
                return Err(bad_origin(field));
            }
            (h, Some(port))
        }
        None => (rest, None),
    };
    let label_ok = |l: &str| {
        !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-') && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !host.split('.').all(label_ok) {
        return Err(bad_origin(field));
    }
    let loopback = host == "localhost" || host == "127.0.0.1";
    match scheme {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(FieldError::new(
                field,
                "insecure_origin",
                "Trang web nhúng phải dùng https://.",
                "An embedding site must use https:// (http:// only on localhost).",
            ))
        }
        _ => return Err(bad_origin(field)),
    }
    let default_port = if scheme == "https" { 443 } else { 80 };
    Ok(match port {
        Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

/// An agency's whole list: each origin parsed (errors name `origins[i]`), duplicates dropped,
/// sorted, at most [`MAX_ORIGINS`].
pub fn parse_origins(list: &[String]) -> Result<Vec<String>, FieldError> {
    if list.len() > MAX_ORIGINS {
        return Err(FieldError::new(
            "origins",
            "too_many",
            format!("Tối đa {MAX_ORIGINS} trang web cho một cơ quan."),
            format!("At most {MAX_ORIGINS} origins per agency."),
        ));
    }
    let mut out = list.iter().enumerate().map(|(i, o)| parse_origin(&format!("origins[{i}]"), o)).collect::<Result<Vec<_>, _>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

/// A theme colour passed by the portal: `#rgb` or `#rrggbb`, lower-cased. Nothing else reaches
/// the page's CSS, so the value can never close the declaration or the `<script>` it sits in.
pub fn parse_color(field: &str, s: &str) -> Result<String, FieldError> {
    let hex = s.trim().strip_prefix('#').unwrap_or("");
    if (hex.len() == 3 || hex.len() == 6) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(format!("#{}", hex.to_ascii_lowercase()))
    } else {
        Err(FieldError::new(
            field,
            "invalid_color",
            "Màu phải là mã màu dạng #rgb hoặc #rrggbb.",
            "The colour must be #rgb or #rrggbb.",
        ))
    }
}

/// The CSP of an embed page: exactly the listed origins may frame it (`'none'` when none are).
pub fn frame_ancestors(origins: &[String]) -> String {
    if origins.is_empty() {
        FRAME_NONE.to_string()
    } else {
        format!("frame-ancestors {}", origins.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalized() {
        assert_eq!(parse_origin("o", "https://SonTay.HaTinh.gov.vn/").unwrap(), "https://sontay.hatinh.gov.vn");
        assert_eq!(parse_origin("o", "https://xa.gov.vn:443").unwrap(), "https://xa.gov.vn");
        assert_eq!(parse_origin("o", "https://xa.gov.vn:8443").unwrap(), "https://xa.gov.vn:8443");
        assert_eq!(parse_origin("o", "http://localhost:8787").unwrap(), "http://localhost:8787");
        assert_eq!(parse_origin("o", " http://127.0.0.1:80 ").unwrap(), "http://127.0.0.1");
    }

    #[test]
    fn bad_origins_are_refused_with_their_reason() {
        for bad in [
            "sontay.gov.vn",
            "https://",
            "https://xa.gov.vn/thu-tuc",
            "https://xa.gov.vn?x=1",
            "https://user@xa.gov.vn",
            "https://*.gov.vn",
            "ftp://xa.gov.vn",
            "javascript://x",
            "https://xa.gov.vn:0",
            "https://xa.gov.vn:99999",
            "https://xa..gov.vn",
            "https://-xa.gov.vn",
            "https://xa.gov.vn 'self'",
            "https://a.vn;script-src *",
        ] {
            assert_eq!(parse_origin("o", bad).unwrap_err().code, "invalid_origin", "{bad}");
        }
        assert_eq!(parse_origin("o", "http://sontay.gov.vn").unwrap_err().code, "insecure_origin");
        assert_eq!(parse_origin("o", "  ").unwrap_err().code, "required");
    }

    #[test]
    fn a_list_is_sorted_deduplicated_and_bounded() {
        let list = vec!["https://b.vn".to_string(), "https://a.vn/".into(), "https://A.vn".into()];
        assert_eq!(parse_origins(&list).unwrap(), vec!["https://a.vn", "https://b.vn"]);
        let err = parse_origins(&["https://a.vn".into(), "nope".into()]).unwrap_err();
        assert_eq!(err.field, "origins[1]");
        let many: Vec<String> = (0..=MAX_ORIGINS).map(|i| format!("https://x{i}.vn")).collect();
        assert_eq!(parse_origins(&many).unwrap_err().code, "too_many");
        assert_eq!(parse_origins(&[]).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn colours_are_hex_only() {
        assert_eq!(parse_color("color", "#0A5").unwrap(), "#0a5");
        assert_eq!(parse_color("color", "#00aa55").unwrap(), "#00aa55");
        for bad in ["0a5", "#0a", "#0a5f", "red", "#zzzzzz", "#0a5;}body{", "", "#0a5</script>"] {
            assert_eq!(parse_color("color", bad).unwrap_err().code, "invalid_color", "{bad}");
        }
    }

    #[test]
    fn the_policy_lists_exactly_the_origins() {
        assert_eq!(frame_ancestors(&[]), "frame-ancestors 'none'");
        assert_eq!(
            frame_ancestors(&["http://localhost:8787".into(), "https://a.vn".into()]),
            "frame-ancestors http://localhost:8787 https://a.vn"
        );
    }
}
