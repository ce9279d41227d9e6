//! A password for `users set-password`: typed on the terminal without echo, twice, or read from
//! standard input's first line (`--password-stdin`). Never an argument: the process list and
//! the shell's history would keep it.
//!
//! The terminal keeps its own line editing (backspace, `ctrl-u`, `ctrl-c`, `ctrl-z` work as in
//! `passwd`); only the echo is turned off, and it is turned on again however the reading ends,
//! a signal that ends the process included.

use backoffice_domain::services::accounts::Secret;
use color_eyre::eyre::{Result, bail};
use std::io::{BufRead, IsTerminal};

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
        typeable(password)?;
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
    typeable(&first)?;
    let second = unseen("The same again: ")?;
    if first != second {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(Secret::new(first))
}

/// Refuses a password holding a control character: an arrow key or `esc` pressed at the
/// unseen prompt went into it (`Abcdefg1!␛[D`), and the user could not sign in with what they
/// thought they had typed.
fn typeable(password: &str) -> Result<()> {
    if password.chars().any(char::is_control) {
        bail!(
            "the password holds a control character (an arrow key or esc at the prompt?): type it again; nothing was changed"
        );
    }
    Ok(())
}

/// One line typed on standard input's terminal without echo.
fn unseen(prompt: &str) -> Result<String> {
    let to = super::Asking::open();
    to.say(prompt)?;
    let line = {
        let _quiet = echo::Off::new(prompt, &to)?;
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line
    };
    // Ended without `enter`: the terminal went away, or `ctrl-d` (on an empty line, or twice
    // after some text, which was taken as typed and the next prompt ran on).
    let Some(line) = line.strip_suffix('\n') else {
        to.say("\n")?;
        bail!("not typed (ended without enter); nothing was changed");
    };
    Ok(line.strip_suffix('\r').unwrap_or(line).to_string())
}

#[cfg(unix)]
#[allow(unsafe_code)]
mod echo {
    //! The terminal's echo, off for one line, whatever happens meanwhile: a signal that ends
    //! the process gives it back (and drops the half-typed line, which the shell would read);
    //! `ctrl-z` gives it back while stopped and takes it again, with the prompt, on `fg`.
    use std::os::fd::AsRawFd;
    use std::sync::Mutex;

    /// What the handlers need: the fd, its settings before and while quiet, the prompt and
    /// where it is written.
    struct Saved {
        fd: libc::c_int,
        out: libc::c_int,
        before: libc::termios,
        quiet: libc::termios,
        prompt: Vec<u8>,
    }

    static SAVED: Mutex<Option<Saved>> = Mutex::new(None);

    /// The signals whose handlers give the echo back.
    const ENDING: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

    /// Echo off until dropped (the line break `enter` ends the line with still shows).
    pub(super) struct Off {
        fd: libc::c_int,
        before: libc::termios,
        handlers: Vec<(libc::c_int, libc::sighandler_t)>,
    }

    impl Off {
        pub(super) fn new(prompt: &str, to: &super::super::Asking) -> std::io::Result<Self> {
            let fd = std::io::stdin().as_raw_fd();
            // SAFETY: a zeroed termios is a valid value for tcgetattr to fill; fd is stdin's.
            let mut before: libc::termios = unsafe { std::mem::zeroed() };
            if unsafe { libc::tcgetattr(fd, &mut before) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let mut quiet = before;
            quiet.c_lflag &= !libc::ECHO;
            quiet.c_lflag |= libc::ECHONL;
            *SAVED.lock().unwrap_or_else(|p| p.into_inner()) = Some(Saved {
                fd,
                out: to.raw_fd(),
                before,
                quiet,
                prompt: prompt.as_bytes().to_vec(),
            });
            // SAFETY: the handlers only call async-signal-safe functions (tcflush, tcsetattr,
            // signal, raise, write) on values written above, before they are installed.
            let handlers = ENDING
                .into_iter()
                .map(|sig| (sig, restore_and_die as extern "C" fn(libc::c_int)))
                .chain([(
                    libc::SIGTSTP,
                    stop_then_resume as extern "C" fn(libc::c_int),
                )])
                .map(|(sig, handler)| {
                    (sig, unsafe {
                        libc::signal(sig, handler as libc::sighandler_t)
                    })
                })
                .collect();
            let off = Self {
                fd,
                before,
                handlers,
            };
            // SAFETY: fd is stdin's and `quiet` a termios read from it.
            if unsafe { libc::tcsetattr(fd, libc::TCSAFLUSH, &quiet) } != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(off)
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

    /// Gives the terminal its echo back, drops what was typed (the shell would read it), then
    /// ends the process by the same signal, so the shell sees what ended it.
    extern "C" fn restore_and_die(sig: libc::c_int) {
        // `try_lock`: a handler must not wait; the value was written before it was installed.
        if let Ok(saved) = SAVED.try_lock()
            && let Some(s) = saved.as_ref()
        {
            // SAFETY: async-signal-safe calls on a termios read from this fd.
            unsafe {
                libc::tcflush(s.fd, libc::TCIFLUSH);
                libc::tcsetattr(s.fd, libc::TCSANOW, &s.before);
            }
        }
        // SAFETY: back to the default action, then the signal again: the process ends by it.
        unsafe {
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }

    /// `ctrl-z`: the echo back while stopped; on `fg`, off again and the prompt once more (what
    /// was typed before stays typed).
    extern "C" fn stop_then_resume(_: libc::c_int) {
        let Ok(saved) = SAVED.try_lock() else {
            return;
        };
        let Some(s) = saved.as_ref() else {
            return;
        };
        // SAFETY: async-signal-safe calls: the terminal's settings, the default action of
        // SIGTSTP to stop by it, and on resuming this handler again and a write of the prompt.
        unsafe {
            libc::tcsetattr(s.fd, libc::TCSANOW, &s.before);
            libc::signal(libc::SIGTSTP, libc::SIG_DFL);
            // The signal is held while its handler runs: unheld, the raise stops the process
            // now (held, it came back to this handler on return, and never stopped).
            let mut held: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut held);
            libc::sigaddset(&mut held, libc::SIGTSTP);
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &held, std::ptr::null_mut());
            libc::raise(libc::SIGTSTP);
            // Stopped here until `fg`.
            libc::signal(
                libc::SIGTSTP,
                stop_then_resume as extern "C" fn(libc::c_int) as libc::sighandler_t,
            );
            libc::tcsetattr(s.fd, libc::TCSANOW, &s.quiet);
            libc::write(s.out, b"\n".as_ptr().cast(), 1);
            libc::write(s.out, s.prompt.as_ptr().cast(), s.prompt.len());
        }
    }
}

#[cfg(not(unix))]
mod echo {
    /// Elsewhere the line is read as typed (the console's own dialog masks it).
    pub(super) struct Off;

    impl Off {
        pub(super) fn new(_prompt: &str, _to: &super::super::Asking) -> std::io::Result<Self> {
            Ok(Self)
        }
    }
}
