//! A password for `users set-password`: typed on the terminal without echo, twice, or read from
//! standard input's first line (`--password-stdin`). Never an argument: the process list and
//! the shell's history would keep it.
//!
//! The terminal keeps its own line editing (backspace, `ctrl-u`, `ctrl-c`, `ctrl-z` work as in
//! `passwd`); only the echo is turned off, and it is turned on again however the reading ends,
//! a signal that ends the process included.

use backoffice_domain::services::accounts::Secret;
use color_eyre::eyre::{Result, bail};
use std::io::{BufRead, IsTerminal, Write};

/// The password, from where `from_stdin` says.
pub(super) fn read_password(from_stdin: bool) -> Result<Secret> {
    if from_stdin {
        // Typed there, it would show as it is typed.
        if std::io::stdin().is_terminal() {
            bail!(
                "--password-stdin reads a pipe, and standard input is a terminal here: leave the flag out to type the password unseen, or pipe it in"
            );
        }
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
    let first = unseen("New password: ")?;
    if first.is_empty() {
        bail!("no password typed; nothing was changed");
    }
    let second = unseen("The same again: ")?;
    if first != second {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(Secret::new(first))
}

/// One line typed on standard input's terminal without echo.
fn unseen(prompt: &str) -> Result<String> {
    eprint!("{prompt}");
    std::io::stderr().flush()?;
    let line = {
        let _quiet = echo::Off::new()?;
        let mut line = String::new();
        let read = std::io::stdin().lock().read_line(&mut line)?;
        if read == 0 {
            // The terminal went away, or `ctrl-d` on an empty line.
            bail!("not typed; nothing was changed");
        }
        line
    };
    let line = line.strip_suffix('\n').unwrap_or(&line);
    Ok(line.strip_suffix('\r').unwrap_or(line).to_string())
}

#[cfg(unix)]
#[allow(unsafe_code)]
mod echo {
    //! The terminal's echo, off for one line.
    use std::os::fd::AsRawFd;
    use std::sync::Mutex;

    /// The settings to give back, for a signal that ends the process meanwhile.
    static SAVED: Mutex<Option<(libc::c_int, libc::termios)>> = Mutex::new(None);

    /// Echo off until dropped (the line break `enter` ends the line with still shows).
    pub(super) struct Off {
        fd: libc::c_int,
        before: libc::termios,
        handlers: Vec<(libc::c_int, libc::sighandler_t)>,
    }

    impl Off {
        pub(super) fn new() -> std::io::Result<Self> {
            let fd = std::io::stdin().as_raw_fd();
            // SAFETY: a zeroed termios is a valid value for tcgetattr to fill; fd is stdin's.
            let mut before: libc::termios = unsafe { std::mem::zeroed() };
            if unsafe { libc::tcgetattr(fd, &mut before) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let mut quiet = before;
            quiet.c_lflag &= !libc::ECHO;
            quiet.c_lflag |= libc::ECHONL;
            *SAVED.lock().unwrap_or_else(|p| p.into_inner()) = Some((fd, before));
            // SAFETY: `restore_and_die` only calls async-signal-safe functions (tcsetattr,
            // signal, raise) on values written before the handler is installed.
            let handlers = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT]
                .into_iter()
                .map(|sig| {
                    let handler = restore_and_die as extern "C" fn(libc::c_int);
                    (sig, unsafe {
                        libc::signal(sig, handler as libc::sighandler_t)
                    })
                })
                .collect();
            // SAFETY: fd is stdin's and `quiet` a termios read from it.
            if unsafe { libc::tcsetattr(fd, libc::TCSAFLUSH, &quiet) } != 0 {
                let e = std::io::Error::last_os_error();
                drop(Self {
                    fd,
                    before,
                    handlers,
                });
                return Err(e);
            }
            Ok(Self {
                fd,
                before,
                handlers,
            })
        }
    }

    impl Drop for Off {
        fn drop(&mut self) {
            // SAFETY: the settings read in `new`, given back to the same fd; the handlers put
            // back are the ones `signal` returned.
            unsafe {
                libc::tcsetattr(self.fd, libc::TCSAFLUSH, &self.before);
                for (sig, handler) in &self.handlers {
                    libc::signal(*sig, *handler);
                }
            }
            *SAVED.lock().unwrap_or_else(|p| p.into_inner()) = None;
        }
    }

    /// Gives the terminal its echo back, then ends the process by the same signal (so the
    /// shell sees what ended it).
    extern "C" fn restore_and_die(sig: libc::c_int) {
        // `try_lock`: a handler must not wait; the value was written before any handler ran.
        if let Ok(saved) = SAVED.try_lock()
            && let Some((fd, before)) = *saved
        {
            // SAFETY: async-signal-safe calls on a termios read from this fd.
            unsafe {
                libc::tcsetattr(fd, libc::TCSANOW, &before);
            }
        }
        // SAFETY: back to the default action, then the signal again: the process ends by it.
        unsafe {
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }
}

#[cfg(not(unix))]
mod echo {
    /// Elsewhere the line is read as typed (the console's own dialog masks it).
    pub(super) struct Off;

    impl Off {
        pub(super) fn new() -> std::io::Result<Self> {
            Ok(Self)
        }
    }
}
