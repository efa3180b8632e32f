//! Response bodies kept as they are sent: plain and gzip-compressed, compressed once when
//! kept, so a browser's request (which always accepts gzip) costs no compression. Cached
//! comment pages and the popularity lists are kept this way. Compressing a 2 KB "most read"
//! list on every request took a quarter of the service's CPU under load.

use std::io::Write;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use flate2::Compression;
use flate2::write::GzEncoder;

/// A serialized body, plain and gzip-compressed.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub plain: Bytes,
    pub gzip: Bytes,
}

impl Encoded {
    pub fn new(plain: Bytes) -> Self {
        let mut encoder = GzEncoder::new(Vec::with_capacity(plain.len() / 4), Compression::default());
        // Writing to a Vec cannot fail.
        let gzip = encoder
            .write_all(&plain)
            .and_then(|()| encoder.finish())
            .unwrap_or_default();
        Self {
            plain,
            gzip: Bytes::from(gzip),
        }
    }

    /// Bytes kept, both forms.
    pub fn weight(&self) -> u32 {
        u32::try_from(self.plain.len() + self.gzip.len()).unwrap_or(u32::MAX)
    }

    /// `response` with the form `req` takes: gzip when it accepts it (the `Compress`
    /// middleware leaves a response that has a `Content-Encoding` alone), else plain.
    pub fn respond(&self, req: &HttpRequest, response: &mut HttpResponseBuilder) -> HttpResponse {
        response.insert_header((header::VARY, "Accept-Encoding"));
        if accepts_gzip(req) {
            response
                .insert_header((header::CONTENT_ENCODING, "gzip"))
                .body(self.gzip.clone())
        } else {
            response.body(self.plain.clone())
        }
    }
}

/// Whether `Accept-Encoding` names gzip (or `*`) without `q=0`.
pub fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn gzip_is_taken_when_named_or_starred_and_not_refused() {
        let takes = |value: &str| {
            accepts_gzip(
                &TestRequest::default()
                    .insert_header(("Accept-Encoding", value))
                    .to_http_request(),
            )
        };
        assert!(takes("gzip, deflate, br"));
        assert!(takes("br;q=1.0, GZIP;q=0.5"));
        assert!(takes("*"));
        assert!(!takes("gzip;q=0"));
        assert!(!takes("identity"));
        assert!(!takes("br"));
        assert!(!accepts_gzip(&TestRequest::default().to_http_request()));
    }

    #[test]
    fn the_gzip_form_decodes_to_the_plain_one() {
        let plain = Bytes::from("{\"articles\": [\"مرحبا\"]}".repeat(50));
        let encoded = Encoded::new(plain.clone());
        let mut decoded = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&encoded.gzip[..]), &mut decoded)
            .expect("gzip");
        assert_eq!(decoded, plain);
        assert!(encoded.gzip.len() < plain.len());
    }
}
