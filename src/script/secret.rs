//! A password for `users set-password`: typed on the terminal without echo, twice, or read from
//! standard input's first line (`--password-stdin`). Never an argument: the process list and
//! the shell's history would keep it.

use backoffice_domain::services::accounts::Secret;
use color_eyre::eyre::{Result, bail, eyre};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::io::{BufRead, IsTerminal, Write};

/// The password, from where `from_stdin` says.
pub(super) fn read_password(from_stdin: bool) -> Result<Secret> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let password = line.strip_suffix('\n').unwrap_or(&line);
        let password = password.strip_suffix('\r').unwrap_or(password);
        if password.is_empty() {
            bail!("--password-stdin: standard input's first line is empty; nothing was changed");
        }
        return Ok(Secret::new(password));
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "no terminal to type the password on: pass --password-stdin and send it on standard input"
        );
    }
    let first = typed("New password: ")?;
    if first.is_empty() {
        bail!("no password typed; nothing was changed");
    }
    let second = typed("The same again: ")?;
    if first != second {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(Secret::new(first))
}

/// Leaves raw mode however the reading ends.
struct RawMode;

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// One line typed without echo; `ctrl-c` or `esc` gives up.
fn typed(prompt: &str) -> Result<String> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let line = {
        crossterm::terminal::enable_raw_mode()?;
        let _raw = RawMode;
        let mut line = String::new();
        loop {
            let Event::Key(KeyEvent {
                code,
                modifiers,
                kind: KeyEventKind::Press | KeyEventKind::Repeat,
                ..
            }) = crossterm::event::read()?
            else {
                continue;
            };
            match code {
                KeyCode::Enter => break Ok(line),
                KeyCode::Esc => break Err(eyre!("not typed; nothing was changed")),
                KeyCode::Char('c' | 'd') if modifiers.contains(KeyModifiers::CONTROL) => {
                    break Err(eyre!("not typed; nothing was changed"));
                }
                KeyCode::Backspace => {
                    line.pop();
                }
                KeyCode::Char(c) => line.push(c),
                _ => {}
            }
        }
    };
    eprintln!();
    line
}
