//! The console's state and its synchronous update. Keys and finished requests come in; commands
//! (work for background tasks, each with a request id) go out. No `.await`, no I/O here.

use backoffice_domain::model::{Cursor, Page, Post};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};

/// Posts per request.
pub const PAGE_SIZE: u32 = 100;
/// Ask for the next page when the selection comes this close to the end of what is loaded.
const PREFETCH_ROWS: usize = 20;

/// Identifies one request so that a late answer to an abandoned request is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestId(pub u64);

/// Work for the runtime to start in the background.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    LoadPosts {
        request: RequestId,
        cursor: Option<Cursor>,
    },
}

/// A finished piece of background work.
#[derive(Debug, Clone)]
pub enum AppEvent {
    PostsLoaded {
        request: RequestId,
        result: Result<Page<Post>, String>,
    },
}

/// Where the list stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListState {
    Loading,
    Loaded,
    Failed(String),
}

/// What the status bar shows about the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub environment: String,
    pub production: bool,
    pub profile: Option<String>,
    pub region: String,
    pub operator: String,
    pub read_only: bool,
}

#[derive(Debug)]
pub struct App {
    pub context: Context,
    pub posts: Vec<Post>,
    pub next: Option<Cursor>,
    pub state: ListState,
    pub selected: usize,
    /// First visible row; kept by the renderer so the selection stays in view.
    pub offset: usize,
    /// Rows visible in the last frame, for page-wise movement.
    pub viewport: usize,
    pub show_help: bool,
    pub last_error: Option<String>,
    pub quit: bool,
    pending: Option<RequestId>,
    next_request: u64,
}

impl App {
    /// A new console that immediately asks for the first page.
    pub fn new(context: Context) -> (Self, Vec<Command>) {
        let mut app = Self {
            context,
            posts: Vec::new(),
            next: None,
            state: ListState::Loading,
            selected: 0,
            offset: 0,
            viewport: 10,
            show_help: false,
            last_error: None,
            quit: false,
            pending: None,
            next_request: 0,
        };
        let first = app.request(None);
        (app, vec![first])
    }

    /// Whether a request is in flight (the status bar's spinner).
    pub fn is_busy(&self) -> bool {
        self.pending.is_some()
    }

    pub fn selected_post(&self) -> Option<&Post> {
        self.posts.get(self.selected)
    }

    fn request(&mut self, cursor: Option<Cursor>) -> Command {
        self.next_request += 1;
        let request = RequestId(self.next_request);
        self.pending = Some(request);
        Command::LoadPosts { request, cursor }
    }

    /// Starts over from the first page, dropping whatever is in flight.
    fn reload(&mut self) -> Vec<Command> {
        self.posts.clear();
        self.next = None;
        self.selected = 0;
        self.offset = 0;
        self.state = ListState::Loading;
        vec![self.request(None)]
    }

    fn maybe_load_more(&mut self) -> Vec<Command> {
        if self.pending.is_some() || self.state != ListState::Loaded {
            return Vec::new();
        }
        let near_end = self.selected + PREFETCH_ROWS >= self.posts.len();
        match (&self.next, near_end) {
            (Some(cursor), true) => {
                let cursor = cursor.clone();
                vec![self.request(Some(cursor))]
            }
            _ => Vec::new(),
        }
    }

    fn move_by(&mut self, delta: isize) -> Vec<Command> {
        if self.posts.is_empty() {
            return Vec::new();
        }
        let last = self.posts.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.maybe_load_more()
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        if self.show_help {
            self.show_help = false;
            return Vec::new();
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') if ctrl => {
                self.quit = true;
                Vec::new()
            }
            KeyCode::Char('q') => {
                self.quit = true;
                Vec::new()
            }
            KeyCode::Char('?') => {
                self.show_help = true;
                Vec::new()
            }
            KeyCode::Char('j') | KeyCode::Down => self.move_by(1),
            KeyCode::Char('k') | KeyCode::Up => self.move_by(-1),
            KeyCode::Char('d') if ctrl => self.move_by((self.viewport / 2).max(1) as isize),
            KeyCode::Char('u') if ctrl => self.move_by(-((self.viewport / 2).max(1) as isize)),
            KeyCode::PageDown => self.move_by(self.viewport.max(1) as isize),
            KeyCode::PageUp => self.move_by(-(self.viewport.max(1) as isize)),
            KeyCode::Char('g') | KeyCode::Home => self.move_by(-(self.selected as isize)),
            KeyCode::Char('G') | KeyCode::End => self.move_by(self.posts.len() as isize),
            KeyCode::Char('r') => self.reload(),
            KeyCode::Esc => {
                self.last_error = None;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    pub fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Command> {
        match mouse.kind {
            MouseEventKind::ScrollDown => self.move_by(3),
            MouseEventKind::ScrollUp => self.move_by(-3),
            _ => Vec::new(),
        }
    }

    pub fn on_event(&mut self, event: AppEvent) -> Vec<Command> {
        match event {
            AppEvent::PostsLoaded { request, result } => {
                if self.pending != Some(request) {
                    return Vec::new();
                }
                self.pending = None;
                match result {
                    Ok(page) => {
                        self.posts.extend(page.items);
                        self.next = page.next;
                        self.state = ListState::Loaded;
                        self.maybe_load_more()
                    }
                    Err(message) => {
                        self.last_error = Some(message.clone());
                        self.state = ListState::Failed(message);
                        Vec::new()
                    }
                }
            }
        }
    }
}

/// The sandbox context the console's tests run under.
#[cfg(test)]
pub(crate) fn test_context() -> Context {
    Context {
        environment: "sandbox".into(),
        production: false,
        profile: None,
        region: "local".into(),
        operator: "sandbox:ops".into(),
        read_only: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backoffice_domain::model::{ContentStatus, PostId, UserSub};
    use chrono::{TimeZone, Utc};

    fn posts(from: i64, n: i64) -> Vec<Post> {
        (from..from + n)
            .map(|i| Post {
                id: PostId::new(i).unwrap(),
                author_sub: UserSub::parse("00000000-0000-4000-8000-000000000001").unwrap(),
                body: format!("post {i}"),
                image_key: None,
                status: ContentStatus::Visible,
                created_at: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
                updated_at: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
            })
            .collect()
    }

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn request_of(commands: &[Command]) -> RequestId {
        match commands {
            [Command::LoadPosts { request, .. }] => *request,
            other => panic!("expected one load, got {other:?}"),
        }
    }

    #[test]
    fn scrolling_near_the_end_asks_for_the_next_page_once() {
        let (mut app, first) = App::new(test_context());
        let r1 = request_of(&first);
        let cursor = Cursor::encode("posts", &1);
        let more = app.on_event(AppEvent::PostsLoaded {
            request: r1,
            result: Ok(Page {
                items: posts(1, 30),
                next: Some(cursor.clone()),
            }),
        });
        assert!(
            more.is_empty(),
            "30 rows loaded, selection at the top: no prefetch yet"
        );
        let mut asked = Vec::new();
        for _ in 0..15 {
            asked.extend(app.on_key(key('j')));
        }
        assert_eq!(asked.len(), 1, "one request however many keys");
        assert!(matches!(&asked[0], Command::LoadPosts { cursor: Some(c), .. } if *c == cursor));
    }

    #[test]
    fn an_answer_to_an_abandoned_request_is_dropped() {
        let (mut app, first) = App::new(test_context());
        let stale = request_of(&first);
        let fresh = request_of(&app.on_key(key('r')));
        app.on_event(AppEvent::PostsLoaded {
            request: stale,
            result: Ok(Page {
                items: posts(1, 3),
                next: None,
            }),
        });
        assert!(app.posts.is_empty());
        app.on_event(AppEvent::PostsLoaded {
            request: fresh,
            result: Ok(Page {
                items: posts(10, 2),
                next: None,
            }),
        });
        assert_eq!(app.posts.len(), 2);
    }

    #[test]
    fn a_failed_load_shows_the_error_and_r_retries() {
        let (mut app, first) = App::new(test_context());
        app.on_event(AppEvent::PostsLoaded {
            request: request_of(&first),
            result: Err("database is unavailable".into()),
        });
        assert_eq!(
            app.state,
            ListState::Failed("database is unavailable".into())
        );
        assert_eq!(app.last_error.as_deref(), Some("database is unavailable"));
        assert_eq!(app.on_key(key('r')).len(), 1);
        assert_eq!(app.state, ListState::Loading);
    }

    #[test]
    fn g_and_shift_g_jump_to_the_ends() {
        let (mut app, first) = App::new(test_context());
        app.on_event(AppEvent::PostsLoaded {
            request: request_of(&first),
            result: Ok(Page {
                items: posts(1, 50),
                next: None,
            }),
        });
        app.on_key(key('G'));
        assert_eq!(app.selected, 49);
        app.on_key(key('g'));
        assert_eq!(app.selected, 0);
        app.on_key(key('k'));
        assert_eq!(app.selected, 0, "no wrap above the first row");
    }

    #[test]
    fn q_quits() {
        let (mut app, _) = App::new(test_context());
        app.on_key(key('q'));
        assert!(app.quit);
    }
}
