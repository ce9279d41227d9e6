//! Styles by meaning. Panes ask the theme for `title(focused)` or `status(hidden)`, never for a
//! raw colour, so a theme file can restyle everything.

use backoffice_domain::model::ContentStatus;
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::str::FromStr;

const DEFAULT_DARK: &str = include_str!("../themes/default-dark.toml");

#[derive(Debug, Deserialize)]
struct ThemeFile {
    colors: Colors,
}

#[derive(Debug, Deserialize)]
struct Colors {
    text: String,
    muted: String,
    title: String,
    selection_fg: String,
    selection_bg: String,
    border: String,
    border_focused: String,
    error: String,
    warning: String,
    ok: String,
    env_sandbox: String,
    env_production: String,
    status_visible: String,
    status_hidden: String,
    status_removed: String,
}

/// A resolved theme. With `NO_COLOR` set, every style is plain and selection is reversed.
#[derive(Debug, Clone)]
pub struct Theme {
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
    /// Parses a theme file's text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let c = file.colors;
        Ok(Self {
            color: true,
            text: color("text", &c.text)?,
            muted: color("muted", &c.muted)?,
            title: color("title", &c.title)?,
            selection_fg: color("selection_fg", &c.selection_fg)?,
            selection_bg: color("selection_bg", &c.selection_bg)?,
            border: color("border", &c.border)?,
            border_focused: color("border_focused", &c.border_focused)?,
            error: color("error", &c.error)?,
            warning: color("warning", &c.warning)?,
            ok: color("ok", &c.ok)?,
            env_sandbox: color("env_sandbox", &c.env_sandbox)?,
            env_production: color("env_production", &c.env_production)?,
            status_visible: color("status_visible", &c.status_visible)?,
            status_hidden: color("status_hidden", &c.status_hidden)?,
            status_removed: color("status_removed", &c.status_removed)?,
        })
    }

    /// The built-in dark theme, honouring `NO_COLOR`.
    pub fn default_dark() -> Self {
        let mut theme = Self::parse(DEFAULT_DARK)
            .unwrap_or_else(|e| unreachable!("built-in theme is valid: {e}"));
        theme.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        theme
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
    fn built_in_theme_parses() {
        assert!(Theme::parse(DEFAULT_DARK).is_ok());
    }

    #[test]
    fn a_bad_colour_is_named_in_the_error() {
        let bad = DEFAULT_DARK.replace("text = \"gray\"", "text = \"grey-ish\"");
        let err = Theme::parse(&bad).unwrap_err();
        assert!(err.contains("grey-ish") && err.contains("text"), "{err}");
    }
}
