//! Where backoffice keeps things: config, data (the sandbox) and state (logs), from the
//! platform's conventions, each overridable by an environment variable.

use color_eyre::eyre::{Result, eyre};
use directories::ProjectDirs;
use std::path::{Path, PathBuf};

pub const CONFIG_DIR_VAR: &str = "BACKOFFICE_CONFIG_DIR";
pub const DATA_DIR_VAR: &str = "BACKOFFICE_DATA_DIR";
pub const STATE_DIR_VAR: &str = "BACKOFFICE_STATE_DIR";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub state_dir: PathBuf,
}

impl Paths {
    /// Resolves the folders: an environment override wins, then the platform's default.
    pub fn resolve() -> Result<Self> {
        let project = ProjectDirs::from("", "", "backoffice");
        let pick = |var: &str, default: Option<PathBuf>| -> Result<PathBuf> {
            match std::env::var_os(var) {
                Some(v) if !v.is_empty() => Ok(PathBuf::from(v)),
                _ => default.ok_or_else(|| {
                    eyre!("cannot find a home folder for backoffice's files; set {var} to a folder")
                }),
            }
        };
        let state_default = project.as_ref().map(|p| {
            p.state_dir()
                .unwrap_or_else(|| p.data_local_dir())
                .to_path_buf()
        });
        Ok(Self {
            config_dir: pick(
                CONFIG_DIR_VAR,
                project.as_ref().map(|p| p.config_dir().to_path_buf()),
            )?,
            data_dir: pick(
                DATA_DIR_VAR,
                project.as_ref().map(|p| p.data_dir().to_path_buf()),
            )?,
            state_dir: pick(STATE_DIR_VAR, state_default)?,
        })
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    pub fn sandbox_dir(&self) -> PathBuf {
        self.data_dir.join("sandbox")
    }

    /// Where an environment's saved views are kept.
    pub fn views_file(&self, environment: &str) -> PathBuf {
        self.state_dir
            .join("views")
            .join(format!("{}.json", safe_name(environment)))
    }

    /// Where an environment's history of `kind` (e.g. `insights`) is kept.
    pub fn history_file(&self, environment: &str, kind: &str) -> PathBuf {
        self.state_dir
            .join("history")
            .join(format!("{}.{kind}.json", safe_name(environment)))
    }

    pub fn log_file(&self) -> PathBuf {
        self.state_dir.join("backoffice.log")
    }
}

/// A path as typed: `~/x` is the home folder's `x`; other paths stay as they are.
pub fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// An environment's name as a file name: environment names are config keys, and anything
/// outside a file name's safe set is replaced so a name can never reach outside its folder.
fn safe_name(environment: &str) -> String {
    let safe: String = environment
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe == environment {
        return safe;
    }
    // Names that differ only where characters were replaced (`prod.eu`, `prod_eu`, `Prod`)
    // keep files of their own: a hash of the name as written tells them apart.
    let hash = environment.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{safe}-{:08x}", hash as u32)
}

/// Why writing a new file at `path` failed, in words an operator acts on: the folder that
/// does not exist (not "no such file or directory" about a file about to be made), a file
/// already there, a permission refused.
pub fn write_problem(e: &std::io::Error, path: &std::path::Path) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::AlreadyExists => format!("{} exists; choose another path", path.display()),
        ErrorKind::NotFound => match path.parent().filter(|d| !d.as_os_str().is_empty()) {
            Some(dir) => format!(
                "could not write {}: the folder {} does not exist",
                path.display(),
                dir.display()
            ),
            None => format!("could not write {}: no such folder", path.display()),
        },
        ErrorKind::PermissionDenied => {
            format!("could not write {}: permission denied", path.display())
        }
        _ => format!("could not write {}: {e}", path.display()),
    }
}

/// A new file at `path`, readable by its owner alone (0600), never one that is there: an
/// export, a saved range of log lines, a person's data.
pub fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write into a folder that does not exist names the folder; one over a file names it.
    #[test]
    fn a_failed_write_says_what_to_mend() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope").join("x.log");
        let e = std::fs::File::create_new(&missing).unwrap_err();
        assert_eq!(
            write_problem(&e, &missing),
            format!(
                "could not write {}: the folder {} does not exist",
                missing.display(),
                dir.path().join("nope").display()
            )
        );
        let there = dir.path().join("there.log");
        std::fs::write(&there, b"x").unwrap();
        let e = std::fs::File::create_new(&there).unwrap_err();
        assert_eq!(
            write_problem(&e, &there),
            format!("{} exists; choose another path", there.display())
        );
    }

    #[test]
    fn environments_never_share_a_state_file() {
        let names = [
            "prod_eu",
            "prod.eu",
            "prod/eu",
            "Prod_eu",
            "../prod_eu",
            "prod_eu ",
        ];
        let files: Vec<String> = names.iter().map(|n| safe_name(n)).collect();
        let mut distinct = files.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), names.len(), "{files:?}");
        assert_eq!(safe_name("sandbox"), "sandbox");
        assert!(
            files.iter().all(|f| !f.contains('/') && !f.contains("..")),
            "{files:?}"
        );
    }
}
