//! The log filter every binary starts with: the level asked for (`RUST_LOG` for the functions,
//! `BACKOFFICE_LOG` for the console), with the AWS SDK's own tracing held at `debug`. At `trace`
//! the SDK writes each canonical request it signs (a presigned URL's `X-Amz-Security-Token`, the
//! role's session token), each request it sends and each response body it reads (Secrets
//! Manager's answer holds the database password): none of that may reach a log.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

/// The SDK's modules whose `trace` lines carry requests, signatures and bodies.
const HELD_AT_DEBUG: &[&str] = &[
    "aws_sigv4=debug",
    "aws_smithy_runtime=debug",
    "aws_smithy_runtime_api=debug",
    "aws_smithy_http_client=debug",
];

/// `asked` (a filter in `RUST_LOG`'s syntax) or `info`, never tracing what [`HELD_AT_DEBUG`]
/// names. A filter that cannot be read is `info`.
pub fn filter(asked: Option<&str>) -> EnvFilter {
    let mut filter = asked
        .and_then(|a| EnvFilter::try_new(a).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    // Only a filter that traces something needs holding back; added to a quieter one the
    // directives would make the SDK louder than asked.
    if filter
        .max_level_hint()
        .is_none_or(|max| max >= LevelFilter::TRACE)
    {
        for directive in HELD_AT_DEBUG {
            if let Ok(d) = directive.parse() {
                filter = filter.add_directive(d);
            }
        }
    }
    filter
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// What each filter lets through of the SDK's trace line, its debug line and ours.
    fn logged(asked: Option<&str>) -> String {
        let out = Captured::default();
        let writer = out.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(filter(asked))
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::trace!(target: "aws_sigv4::http_request::sign", "X-Amz-Security-Token=SECRET");
            tracing::trace!(target: "aws_smithy_runtime::client::orchestrator::http", "body SECRET");
            tracing::debug!(target: "aws_smithy_runtime::client::orchestrator", "sdk debug line");
            tracing::trace!(target: "backoffice_domain::api", "our trace line");
            tracing::info!(target: "backoffice_domain::api", "our info line");
        });
        String::from_utf8(out.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn the_sdks_trace_lines_never_reach_the_log() {
        for asked in [
            "trace",
            "aws_sigv4=trace,aws_smithy_runtime=trace",
            "debug,aws_smithy_runtime=trace",
        ] {
            let text = logged(Some(asked));
            assert!(!text.contains("SECRET"), "{asked}: {text}");
        }
        // Everything else at trace is as asked.
        let text = logged(Some("trace"));
        assert!(
            text.contains("our trace line") && text.contains("sdk debug line"),
            "{text}"
        );
    }

    #[test]
    fn a_quieter_filter_is_left_as_asked() {
        let text = logged(Some("warn"));
        assert!(text.is_empty(), "{text}");
        let text = logged(None);
        assert!(
            text.contains("our info line") && !text.contains("sdk debug line"),
            "{text}"
        );
        let text = logged(Some("not a [filter"));
        assert!(text.contains("our info line"), "{text}");
    }
}
