//! Where events go: a Lambda-compatible invoke URL over HTTP, or standard output.

use std::io::Write as _;
use std::time::Duration;

use super::PAYLOAD_LIMIT;
use crate::args::RunArgs;

/// The function's answer.
pub(crate) struct Answer {
    pub(crate) request_id: String,
    pub(crate) status: u16,
    pub(crate) function_error: Option<String>,
    pub(crate) body: Vec<u8>,
}

pub(crate) enum Sent {
    Answer(Answer),
    /// No answer at all: the function is not there (yet).
    Unreachable(String),
}

/// Where events go: an invoke URL, or standard output.
pub(crate) enum Target {
    Invoke {
        agent: ureq::Agent,
        url: String,
        count: u64,
    },
    Print,
}

impl Target {
    pub(crate) fn new(args: &RunArgs) -> Result<Self, String> {
        let Some(url) = &args.invoke else {
            return Ok(Self::Print);
        };
        if !url.starts_with("http://") {
            return Err(format!("--invoke takes an http:// URL, not {url}"));
        }
        let timeout = Duration::try_from_secs_f64(args.function_timeout)
            .ok()
            .filter(|t| !t.is_zero())
            .ok_or_else(|| "--function-timeout takes a positive number of seconds".to_owned())?;
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .build()
            .into();
        Ok(Self::Invoke {
            agent,
            url: url.clone(),
            count: 0,
        })
    }

    pub(crate) fn send(&mut self, event: &str) -> Sent {
        match self {
            Self::Print => {
                let mut out = std::io::stdout().lock();
                let written = writeln!(out, "{event}").and_then(|()| out.flush());
                match written {
                    Ok(()) => Sent::Answer(Answer {
                        request_id: String::new(),
                        status: 200,
                        function_error: None,
                        body: Vec::new(),
                    }),
                    Err(e) => Sent::Unreachable(format!("standard output: {e}")),
                }
            }
            Self::Invoke { agent, url, count } => {
                *count += 1;
                let sent = agent
                    .post(url.as_str())
                    .header("content-type", "application/json")
                    .send(event.as_bytes());
                let mut response = match sent {
                    Ok(response) => response,
                    Err(ureq::Error::Timeout(_)) => {
                        return Sent::Answer(Answer {
                            request_id: format!("local-{}-{count}", std::process::id()),
                            status: 200,
                            function_error: Some("TimedOut".to_owned()),
                            body: b"the invocation timed out".to_vec(),
                        });
                    }
                    Err(e) => return Sent::Unreachable(e.to_string()),
                };
                let header = |name: &str| {
                    response
                        .headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                let request_id = header("x-amzn-requestid")
                    .or_else(|| header("lambda-runtime-aws-request-id"))
                    .unwrap_or_else(|| format!("local-{}-{count}", std::process::id()));
                let function_error = header("x-amz-function-error");
                let status = response.status().as_u16();
                let body = response
                    .body_mut()
                    .with_config()
                    .limit(u64::try_from(PAYLOAD_LIMIT).unwrap_or(u64::MAX))
                    .read_to_vec();
                match body {
                    Ok(body) => Sent::Answer(Answer {
                        request_id,
                        status,
                        function_error,
                        body,
                    }),
                    Err(ureq::Error::Timeout(_)) => Sent::Answer(Answer {
                        request_id,
                        status: 200,
                        function_error: Some("TimedOut".to_owned()),
                        body: b"the invocation timed out".to_vec(),
                    }),
                    Err(e) => Sent::Answer(Answer {
                        request_id,
                        status,
                        function_error: Some("Unhandled".to_owned()),
                        body: format!("the answer could not be read: {e}").into_bytes(),
                    }),
                }
            }
        }
    }
}
