//! Styles by meaning. Panes ask the theme for `title(focused)` or `status(hidden)`, never for a
//! raw colour, so a theme file can restyle everything.

use backoffice_domain::model::ContentStatus;
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::str::FromStr;

const DEFAULT_DARK: &str = include_str!("../themes/default-dark.toml");

/// Themes that ship inside the binary, by name.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("default-dark", DEFAULT_DARK),
    ("light", include_str!("../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../themes/high-contrast.toml"),
    ),
    ("production", include_str!("../themes/production.toml")),
];

/// A theme file: optionally `extends` a built-in theme, then sets any colours it names.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    extends: Option<String>,
    #[serde(default)]
    colors: std::collections::BTreeMap<String, String>,
}

/// A resolved theme. With `NO_COLOR` set, every style is plain and selection is reversed.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    color: bool,
    text: Color,
    muted: Color,
    title: Color,
    selection_fg: Color,
    selection_bg: Color,
    border: Color,
    border_focused: Color,
    error: Color,
    warning: Color,
    ok: Color,
    env_sandbox: Color,
    env_production: Color,
    status_visible: Color,
    status_hidden: Color,
    status_removed: Color,
}

fn color(name: &str, value: &str) -> Result<Color, String> {
    Color::from_str(value)
        .map_err(|_| format!("colour '{value}' for {name} is not a colour name or #rrggbb"))
}

impl Theme {
    fn blank(name: &str) -> Self {
        Self {
            name: name.to_string(),
            color: true,
            text: Color::Reset,
            muted: Color::Reset,
            title: Color::Reset,
            selection_fg: Color::Reset,
            selection_bg: Color::Reset,
            border: Color::Reset,
            border_focused: Color::Reset,
            error: Color::Reset,
            warning: Color::Reset,
            ok: Color::Reset,
            env_sandbox: Color::Reset,
            env_production: Color::Reset,
            status_visible: Color::Reset,
            status_hidden: Color::Reset,
            status_removed: Color::Reset,
        }
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let c = color(key, value)?;
        let slot = match key {
            "text" => &mut self.text,
            "muted" => &mut self.muted,
            "title" => &mut self.title,
            "selection_fg" => &mut self.selection_fg,
            "selection_bg" => &mut self.selection_bg,
            "border" => &mut self.border,
            "border_focused" => &mut self.border_focused,
            "error" => &mut self.error,
            "warning" => &mut self.warning,
            "ok" => &mut self.ok,
            "env_sandbox" => &mut self.env_sandbox,
            "env_production" => &mut self.env_production,
            "status_visible" => &mut self.status_visible,
            "status_hidden" => &mut self.status_hidden,
            "status_removed" => &mut self.status_removed,
            other => return Err(format!("colors.{other} is not a colour this theme has")),
        };
        *slot = c;
        Ok(())
    }

    /// Parses a theme file's text named `name`. A file that extends nothing starts from the
    /// default dark theme, so it may name only the colours it changes.
    pub fn parse(name: &str, text: &str) -> Result<Self, String> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut theme = match file.extends.as_deref() {
            // The default's own file is complete: it is the base of every other.
            None if name == "default-dark" => Self::blank(name),
            None | Some("default-dark") => Self::parse("default-dark", DEFAULT_DARK)?,
            Some(base) => {
                let text = BUILT_IN
                    .iter()
                    .find(|(n, _)| *n == base)
                    .map(|(_, t)| *t)
                    .ok_or_else(|| format!("extends '{base}', which is not a built-in theme"))?;
                if base == name {
                    return Err(format!("theme '{name}' extends itself"));
                }
                Self::parse(base, text)?
            }
        };
        theme.name = name.to_string();
        for (key, value) in &file.colors {
            theme.set(key, value)?;
        }
        Ok(theme)
    }

    /// A built-in theme, or `<themes_dir>/<name>.toml`; `NO_COLOR` honoured.
    pub fn load(name: &str, themes_dir: &std::path::Path) -> Result<Self, String> {
        let theme = match BUILT_IN.iter().find(|(n, _)| *n == name) {
            Some((n, text)) => Self::parse(n, text)?,
            None => {
                let path = themes_dir.join(format!("{name}.toml"));
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    // No such theme: the names there are, as `:theme` says them.
                    if e.kind() == std::io::ErrorKind::NotFound {
                        format!(
                            "no theme '{name}'; known: {} (a theme of your own is {})",
                            Self::names(themes_dir).join(", "),
                            path.display()
                        )
                    } else {
                        format!("theme '{name}': cannot read {}: {e}", path.display())
                    }
                })?;
                Self::parse(name, &text).map_err(|e| format!("{}: {e}", path.display()))?
            }
        };
        Ok(theme.honouring_no_color())
    }

    /// Plain styles when `NO_COLOR` is set to anything.
    fn honouring_no_color(mut self) -> Self {
        self.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        self
    }

    /// Every theme name on offer: the built-in ones, then the files in `themes_dir`.
    pub fn names(themes_dir: &std::path::Path) -> Vec<String> {
        let mut names: Vec<String> = BUILT_IN.iter().map(|(n, _)| n.to_string()).collect();
        if let Ok(entries) = std::fs::read_dir(themes_dir) {
            let mut own: Vec<String> = entries
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let p = e.path();
                    (p.extension()? == "toml").then(|| p.file_stem()?.to_str().map(String::from))?
                })
                .filter(|n| !names.contains(n))
                .collect();
            own.sort();
            names.extend(own);
        }
        names
    }

    /// The built-in dark theme, honouring `NO_COLOR`.
    pub fn default_dark() -> Self {
        Self::parse("default-dark", DEFAULT_DARK)
            .unwrap_or_else(|e| unreachable!("built-in theme is valid: {e}"))
            .honouring_no_color()
    }

    /// The theme with the environment's own colour for its badge.
    pub fn with_environment_color(mut self, value: Option<&str>, production: bool) -> Self {
        if let Some(c) = value.and_then(|v| Color::from_str(v).ok()) {
            if production {
                self.env_production = c;
            } else {
                self.env_sandbox = c;
            }
        }
        self
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn text(&self) -> Style {
        self.fg(self.text)
    }

    pub fn muted(&self) -> Style {
        self.fg(self.muted)
    }

    pub fn title(&self, focused: bool) -> Style {
        let s = self.fg(self.title).add_modifier(Modifier::BOLD);
        if focused {
            s
        } else {
            s.remove_modifier(Modifier::BOLD)
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        self.fg(if focused {
            self.border_focused
        } else {
            self.border
        })
    }

    pub fn selection(&self) -> Style {
        if self.color {
            Style::new().fg(self.selection_fg).bg(self.selection_bg)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// The colour of the `i`th log group in a view, so lines of several groups tell apart at a
    /// glance; without colour, groups alternate plain and underlined.
    pub fn group(&self, i: usize) -> Style {
        const PALETTE: [Color; 6] = [
            Color::LightBlue,
            Color::LightMagenta,
            Color::LightCyan,
            Color::LightGreen,
            Color::LightYellow,
            Color::Blue,
        ];
        if self.color {
            Style::new()
                .fg(PALETTE[i % PALETTE.len()])
                .add_modifier(Modifier::BOLD)
        } else if i % 2 == 1 {
            Style::new().add_modifier(Modifier::UNDERLINED)
        } else {
            Style::new()
        }
    }

    pub fn error(&self) -> Style {
        self.fg(self.error).add_modifier(Modifier::BOLD)
    }

    pub fn warning(&self) -> Style {
        self.fg(self.warning)
    }

    pub fn ok(&self) -> Style {
        self.fg(self.ok)
    }

    pub fn environment(&self, production: bool) -> Style {
        let c = if production {
            self.env_production
        } else {
            self.env_sandbox
        };
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(c)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }

    pub fn status(&self, status: ContentStatus) -> Style {
        self.fg(match status {
            ContentStatus::Visible => self.status_visible,
            ContentStatus::Hidden => self.status_hidden,
            ContentStatus::Removed => self.status_removed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_theme_parses() {
        for (name, text) in BUILT_IN {
            let theme = Theme::parse(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(theme.name, *name);
        }
    }

    #[test]
    fn a_bad_colour_is_named_in_the_error() {
        let bad = DEFAULT_DARK.replace("text = \"gray\"", "text = \"grey-ish\"");
        let err = Theme::parse("default-dark", &bad).unwrap_err();
        assert!(err.contains("grey-ish") && err.contains("text"), "{err}");
    }

    #[test]
    fn a_partial_theme_keeps_the_rest_of_its_base() {
        let theme = Theme::parse(
            "mine",
            "extends = \"light\"\n[colors]\nerror = \"#ff0000\"\n",
        )
        .unwrap();
        let light = Theme::parse("light", BUILT_IN[1].1).unwrap();
        assert_eq!(theme.error, Color::Rgb(255, 0, 0));
        assert_eq!(theme.text, light.text);
        assert_eq!(theme.title, light.title);
    }

    #[test]
    fn unknown_keys_and_bases_are_reported() {
        assert!(
            Theme::parse("x", "[colors]\nfoo = \"red\"\n")
                .unwrap_err()
                .contains("colors.foo")
        );
        assert!(
            Theme::parse("x", "extends = \"nope\"\n")
                .unwrap_err()
                .contains("nope")
        );
        assert!(Theme::parse("x", "colour = 1\n").is_err());
    }

    #[test]
    fn a_missing_theme_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let err = Theme::load("ocean", dir.path()).unwrap_err();
        assert!(err.contains("ocean"), "{err}");
        std::fs::write(dir.path().join("ocean.toml"), "[colors]\ntext = \"blue\"\n").unwrap();
        assert_eq!(Theme::load("ocean", dir.path()).unwrap().text, Color::Blue);
        assert!(Theme::names(dir.path()).contains(&"ocean".to_string()));
    }
}
