//! Owns the terminal: raw mode, the alternate screen, mouse capture and bracketed paste on
//! entry, and their undoing on every way out: a normal return, an error, or a panic (the hook
//! restores before it prints). Also the two other conversations with the terminal: asking once
//! how it draws images, and putting text on its clipboard (OSC 52).

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{Stdout, stdout};

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Puts the terminal back as it was. Safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        stdout(),
        LeaveAlternateScreen,
        DisableMouseCapture,
        DisableBracketedPaste,
        crossterm::cursor::Show
    );
}

/// `ctrl-z`, or a SIGTSTP from outside: the terminal is given back as it was, the process
/// stops as job control stops it (the shell says `Stopped`), and once resumed (`fg`, SIGCONT)
/// the terminal is taken again; the caller redraws every cell. Without it, `fg` came back to a
/// terminal in line mode: keys echoed and reached the console only after `enter`.
#[allow(unsafe_code)]
pub fn suspend() -> std::io::Result<()> {
    restore();
    // SAFETY: raise(3) sends a signal to this thread's process; SIGSTOP cannot be caught, so
    // it returns once a SIGCONT resumes the process.
    unsafe {
        libc::raise(libc::SIGSTOP);
    }
    enable_raw_mode()?;
    execute!(
        stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )
}

/// Installs a panic hook that restores the terminal before the default hook prints.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
        // A panic in any task ends the console: a half-working screen is worse than none.
        std::process::exit(101);
    }));
}

/// Enters raw mode and the alternate screen; the guard restores the terminal when dropped.
pub fn enter() -> std::io::Result<(Tui, Guard)> {
    enable_raw_mode()?;
    let guard = Guard;
    execute!(
        stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
    Ok((terminal, guard))
}

/// Restores the terminal on drop, including when an error unwinds the console.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// How images reach this terminal: its own protocol (kitty, sixel, iTerm2) where it says it
/// has one, half-blocks elsewhere. The terminal is asked only when its environment suggests
/// graphics (an unanswered query would leave a reader on the input), and only once, before
/// the console reads keys. `BACKOFFICE_IMAGES=halfblocks` never asks; `=query` always does.
pub fn detect_picker() -> ratatui_image::picker::Picker {
    use ratatui_image::picker::Picker;
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let ask = match var("BACKOFFICE_IMAGES").as_str() {
        "halfblocks" | "off" => false,
        "query" => true,
        _ => {
            let term = var("TERM");
            let program = var("TERM_PROGRAM");
            !var("KITTY_WINDOW_ID").is_empty()
                || ["kitty", "ghostty", "foot", "wezterm", "mlterm", "contour"]
                    .iter()
                    .any(|t| term.contains(t))
                || ["iTerm.app", "WezTerm", "ghostty", "mintty", "rio"].contains(&program.as_str())
        }
    };
    if ask {
        match Picker::from_query_stdio() {
            Ok(p) => return p,
            Err(e) => tracing::info!(error = %e, "the terminal did not say how it draws images"),
        }
    }
    Picker::halfblocks()
}

/// The OSC 52 sequence that puts `text` on the terminal's clipboard (also over SSH).
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

/// Puts `text` on the terminal's clipboard; a terminal that ignores OSC 52 loses nothing.
pub fn copy_to_clipboard(text: &str) {
    use std::io::Write;
    let mut out = stdout();
    let _ = out
        .write_all(osc52(text).as_bytes())
        .and_then(|()| out.flush());
}
