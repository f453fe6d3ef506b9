//! The first screen when no token was given (or the hub refused it): the
//! hub's address and the token, typed or pasted. A whole join link pasted
//! into either field fills both.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use yuanzhuo_client::parse_hub;

use crate::app::{App, Effect};
use crate::editor::Editor;
use crate::i18n::{Lang, Words};
use yuanzhuo_protocol::words::terminal;

#[derive(Debug, Clone, PartialEq)]
pub struct PromptForm {
    pub hub: Editor,
    pub token: Editor,
    /// 0: hub address, 1: token.
    pub field: usize,
    pub error: Option<String>,
}

impl PromptForm {
    pub fn new(hub: &str, token: &str) -> PromptForm {
        let mut f = PromptForm {
            hub: Editor::single_line(300).with_text(hub),
            token: Editor::single_line(100).with_text(token),
            field: 0,
            error: None,
        };
        f.take_link();
        if !f.hub.is_blank() {
            f.field = 1;
        }
        f
    }

    fn focused(&mut self) -> &mut Editor {
        if self.field == 0 {
            &mut self.hub
        } else {
            &mut self.token
        }
    }

    pub fn paste(&mut self, s: &str) {
        self.focused().paste(s.trim());
        self.take_link();
    }

    /// A join link (`http://HOST:PORT/j/TOKEN`) in either field: the address
    /// goes to the first, the token to the second.
    fn take_link(&mut self) {
        for text in [self.hub.text(), self.token.text()] {
            if !(text.contains("/j/") || text.contains("#token=")) {
                continue;
            }
            if let Ok(a) = parse_hub(&text) {
                if let Some(t) = a.token {
                    self.hub = Editor::single_line(300).with_text(&a.http_base);
                    self.token = Editor::single_line(100).with_text(&t);
                    self.field = 1;
                    return;
                }
            }
        }
    }

    /// The WebSocket URL and the token, or what is wrong with them.
    pub fn resolve(&self, lang: Lang) -> Result<(String, String), String> {
        let addr = parse_hub(&self.hub.text())?;
        let token = addr.token.unwrap_or_else(|| self.token.text().trim().to_string());
        if token.is_empty() {
            return Err(lang.word(terminal::TOKEN_MISSING).into());
        }
        Ok((addr.ws_url, token))
    }
}

impl App {
    pub(crate) fn prompt_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let lang = self.lang();
        let crate::app::Screen::Prompt(form) = &mut self.screen else { return vec![] };
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Char('c') if ctrl => {
                self.quit = true;
                return vec![Effect::Quit];
            }
            KeyCode::Esc => {
                self.quit = true;
                return vec![Effect::Quit];
            }
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => form.field = 1 - form.field,
            KeyCode::Enter => {
                if form.field == 0 && form.token.is_blank() {
                    form.field = 1;
                    return vec![];
                }
                match form.resolve(lang) {
                    Ok((url, token)) => return self.connect(url, token),
                    Err(e) => form.error = Some(e),
                }
            }
            _ => {
                form.focused().key(k, 60);
                form.take_link();
            }
        }
        vec![]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_join_link_fills_both_fields() {
        let mut f = PromptForm::new("", "");
        f.paste("http://192.168.1.20:8470/j/K7M2Q9XP2HDRABCD");
        assert_eq!(f.hub.text(), "http://192.168.1.20:8470");
        assert_eq!(f.token.text(), "K7M2Q9XP2HDRABCD");
        assert_eq!(f.resolve(Lang::Zh).unwrap(), ("ws://192.168.1.20:8470/ws".into(), "K7M2Q9XP2HDRABCD".into()));
    }

    #[test]
    fn missing_pieces_are_named() {
        let f = PromptForm::new("", "");
        assert!(f.resolve(Lang::Zh).is_err());
        let f = PromptForm::new("10.0.0.5", "");
        assert_eq!(f.field, 1, "with an address given, the token field has the focus");
        assert_eq!(f.resolve(Lang::En).unwrap_err(), "Type the token from your card");
        let f = PromptForm::new("10.0.0.5", "K7M2-Q9XP");
        assert_eq!(f.resolve(Lang::En).unwrap().0, "ws://10.0.0.5:8470/ws");
    }
}
