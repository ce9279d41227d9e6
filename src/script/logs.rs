//! `backoffice logs …`: a window of a group's events, or a tail for a while.

use super::{LogsCommand, Session, domain, each_item, records};
use crate::text::one_line;
use backoffice_domain::model::{FilterPattern, LogGroupName, TailItem, TailRequest, TimeWindow};
use color_eyre::eyre::{Result, bail, eyre};
use futures::StreamExt;
use std::time::Duration;

/// FilterLogEvents returns up to 10,000 events a call.
const EVENTS_PAGE: u32 = 10_000;

fn group_name(g: &str) -> Result<LogGroupName> {
    LogGroupName::parse(g).map_err(|e| eyre!("log group: {}", e.message))
}

pub(super) async fn run(cmd: LogsCommand, s: &Session<'_>) -> Result<()> {
    let source = s.b.logs().map_err(domain)?;
    let print_event = |e: &backoffice_domain::model::LogEvent| {
        s.print(&records::event(e), || {
            format!(
                "{}\t{}\t{}",
                e.timestamp.format("%Y-%m-%d %H:%M:%S%.3f"),
                one_line(&e.group),
                // Lambda ends a line with its line break, which read as a trailing space.
                one_line(e.message.trim_end_matches(['\n', '\r']))
            )
        })
    };
    match cmd {
        LogsCommand::Query {
            group,
            minutes,
            since,
            pattern,
            limit,
        } => {
            let group = group_name(&group)?;
            let pattern = pattern
                .map(|p| FilterPattern::parse(p).map_err(|e| eyre!("--pattern: {}", e.message)))
                .transpose()?;
            let window = match since {
                Some(range) => backoffice_domain::model::parse_range(&range, chrono::Utc::now())
                    .map_err(|e| eyre!("--since: {}", e.message))?,
                None => TimeWindow::last(chrono::Duration::minutes(minutes)),
            };
            each_item(
                limit,
                EVENTS_PAGE,
                |page| source.filter_events(&group, window, pattern.as_ref(), page),
                |e| print_event(&e),
            )
            .await
            .map(drop)
        }
        LogsCommand::Tail { groups, seconds } => {
            let groups = groups
                .iter()
                .map(|g| group_name(g))
                .collect::<Result<Vec<_>>>()?;
            // None named: the environment's, as the console's Logs pane and `insights run`
            // take them.
            let groups = if groups.is_empty() {
                s.b.log_groups.clone()
            } else {
                groups
            };
            if groups.is_empty() {
                bail!(
                    "give at least one log group (or name the environment's in config.toml: \
                     log_groups)"
                );
            }
            // A group that is not there is said and left out, and the others are tailed (one
            // mistyped name failed the whole tail); named alone, it fails.
            let mut groups = groups;
            let mut left_out: Vec<String> = Vec::new();
            let since = chrono::Utc::now();
            let mut stream = loop {
                let request = TailRequest {
                    groups: groups.clone(),
                    since,
                    pattern: None,
                };
                match source.tail(request).await {
                    Ok(stream) => break stream,
                    Err(backoffice_domain::DomainError::NotFound(what)) if groups.len() > 1 => {
                        let Some(at) = groups.iter().position(|g| what == format!("log group {g}"))
                        else {
                            return Err(domain(backoffice_domain::DomainError::NotFound(what)));
                        };
                        let group = groups.remove(at).to_string();
                        left_out.push(group.clone());
                        let missing = TailItem::GroupMissing { group };
                        if let Some(record) = records::marker(&missing) {
                            if s.out.json {
                                s.print(&record, String::new)?;
                            } else {
                                eprintln!("-- {record}");
                            }
                        }
                    }
                    // The last of several missing: said of them all (the first were markers,
                    // the last an error, as if it alone were missing).
                    Err(backoffice_domain::DomainError::NotFound(_)) if !left_out.is_empty() => {
                        left_out.extend(groups.iter().map(|g| g.to_string()));
                        bail!("none of the log groups exists: {}", left_out.join(", "));
                    }
                    Err(e) => return Err(domain(e)),
                }
            };
            let deadline = tokio::time::sleep(Duration::from_secs(seconds));
            tokio::pin!(deadline);
            loop {
                tokio::select! {
                    _ = &mut deadline => return Ok(()),
                    item = stream.next() => match item {
                        None => return Ok(()),
                        Some(Err(e)) => return Err(domain(e)),
                        Some(Ok(TailItem::Events(events))) => {
                            for e in &events {
                                print_event(e)?;
                            }
                        }
                        // With --json markers join the stream with their own type; as text they
                        // go to stderr, so stdout stays events.
                        Some(Ok(marker)) => match records::marker(&marker) {
                            Some(record) if s.out.json => s.print(&record, String::new)?,
                            Some(record) => eprintln!("-- {record}"),
                            None => {}
                        },
                    }
                }
            }
        }
    }
}
