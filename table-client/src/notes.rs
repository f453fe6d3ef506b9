//! The table's notes (the recorder's page; chairs may take notes too):
//! topics — "general" and each of the table's proposals — with the notes
//! under each, the note editor (multi-line, Chinese, pasted text), tags,
//! editing and withdrawing. Notes still in the outbox show as unsent.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use yuanzhuo_protocol::*;

use crate::app::{clamp, step, App, Confirm, Effect, Level, Modal};
use crate::editor::Editor;
use yuanzhuo_protocol::words::{terminal, ui};

pub const TAGS: [NoteTag; 5] =
    [NoteTag::Support, NoteTag::Concern, NoteTag::Objection, NoteTag::NewIdea, NoteTag::Question];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NotesView {
    /// Selected topic: 0 is "general", then the table's proposals.
    pub topic: usize,
    pub sel: usize,
    /// Keys move in the notes list (else in the topics list).
    pub in_notes: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NoteForm {
    pub table: TableNo,
    pub proposal: Option<ProposalId>,
    /// Editing this note (else a new one).
    pub editing: Option<u64>,
    /// None until chosen: a new note has no tag by default, so that a
    /// concern typed quickly is never saved as support.
    pub tag: Option<NoteTag>,
    pub editor: Editor,
    /// Text as it was when the form opened, to know whether Esc loses anything.
    pub original: String,
    /// Asking whether to throw the text away.
    pub discard: bool,
}

impl NoteForm {
    pub fn new(table: TableNo, proposal: Option<ProposalId>) -> NoteForm {
        NoteForm {
            table,
            proposal,
            editing: None,
            tag: None,
            editor: Editor::new(MAX_TEXT_CHARS),
            original: String::new(),
            discard: false,
        }
    }

    pub fn edit(note: &Note, text: &str, tag: NoteTag) -> NoteForm {
        NoteForm {
            table: note.table,
            proposal: note.proposal.clone(),
            editing: Some(note.note),
            tag: Some(tag),
            editor: Editor::new(MAX_TEXT_CHARS).with_text(text),
            original: text.to_string(),
            discard: false,
        }
    }
}

/// The width of the note editor's text box on a terminal of this size
/// (the drawing uses the same number, so Up/Down move by what is seen).
pub fn editor_width(size: (u16, u16)) -> usize {
    (size.0 as usize).saturating_sub(8).clamp(10, 100)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    Add,
    Edit,
    Withdraw,
}

/// A note as drawn: the hub's, with any change still in the outbox applied.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteRow {
    pub note: Option<u64>,
    pub tag: NoteTag,
    pub text: String,
    pub by: Option<Role>,
    pub at_ms: Option<u64>,
    pub edited: bool,
    pub withdrawn: bool,
    pub pending: Option<Pending>,
}

impl App {
    /// None is "general"; then the table's proposals; then any other
    /// proposal the table's notes mention.
    pub fn topics(&self) -> Vec<Option<ProposalId>> {
        let Some(t) = self.table() else { return vec![None] };
        let mut out: Vec<Option<ProposalId>> = vec![None];
        out.extend(self.share(t).iter().map(|p| Some(p.id.clone())));
        if let Some(d) = self.detail(t) {
            for n in &d.notes {
                if n.proposal.is_some() && !out.contains(&n.proposal) {
                    out.push(n.proposal.clone());
                }
            }
        }
        out
    }

    pub fn topic(&self) -> Option<ProposalId> {
        self.topics().get(self.notes.topic).cloned().flatten()
    }

    pub fn note_rows(&self, topic: &Option<ProposalId>) -> Vec<NoteRow> {
        let Some(t) = self.table() else { return vec![] };
        let mut rows: Vec<NoteRow> = self
            .detail(t)
            .map(|d| {
                d.notes
                    .iter()
                    .filter(|n| &n.proposal == topic)
                    .map(|n| NoteRow {
                        note: Some(n.note),
                        tag: n.tag,
                        text: n.text.clone(),
                        by: Some(n.by),
                        at_ms: Some(n.at_ms),
                        edited: n.edited_at_ms.is_some(),
                        withdrawn: n.withdrawn,
                        pending: None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        for e in self.outbox.entries() {
            match &e.command {
                Command::AddNote { table, proposal, tag, text } if *table == t && proposal == topic => {
                    rows.push(NoteRow {
                        note: None,
                        tag: *tag,
                        text: text.clone(),
                        by: self.role(),
                        at_ms: None,
                        edited: false,
                        withdrawn: false,
                        pending: Some(Pending::Add),
                    })
                }
                Command::EditNote { note, tag, text } => {
                    if let Some(r) = rows.iter_mut().find(|r| r.note == Some(*note)) {
                        r.tag = *tag;
                        r.text = text.clone();
                        r.pending = Some(Pending::Edit);
                    }
                }
                Command::WithdrawNote { note } => {
                    if let Some(r) = rows.iter_mut().find(|r| r.note == Some(*note)) {
                        r.pending = Some(Pending::Withdraw);
                    }
                }
                _ => {}
            }
        }
        rows
    }

    /// Notes under a topic that count (not withdrawn), unsent ones included.
    pub fn topic_count(&self, topic: &Option<ProposalId>) -> usize {
        self.note_rows(topic).iter().filter(|r| !r.withdrawn && r.pending != Some(Pending::Withdraw)).count()
    }

    pub(crate) fn notes_clamp(&mut self) {
        self.notes.topic = clamp(self.notes.topic, self.topics().len());
        let topic = self.topic();
        self.notes.sel = clamp(self.notes.sel, self.note_rows(&topic).len());
    }

    pub(crate) fn notes_key(&mut self, k: KeyEvent) -> Vec<Effect> {
        let Some(table) = self.table() else { return vec![] };
        let topic = self.topic();
        let rows = self.note_rows(&topic);
        match k.code {
            KeyCode::Left | KeyCode::Char('h') => self.notes.in_notes = false,
            KeyCode::Right | KeyCode::Char('l') => self.notes.in_notes = !rows.is_empty(),
            KeyCode::Enter if !self.notes.in_notes => self.notes.in_notes = !rows.is_empty(),
            KeyCode::Char('a') | KeyCode::Char('n') | KeyCode::Insert => {
                self.modal = Some(Modal::Note(NoteForm::new(table, topic)));
            }
            KeyCode::Char('e') | KeyCode::Enter if self.notes.in_notes => {
                let Some(row) = rows.get(self.notes.sel) else { return vec![] };
                match (row.note, row.withdrawn) {
                    (Some(_), true) => self.say(Level::Warn, self.word(terminal::NOTE_ALREADY_WITHDRAWN)),
                    (Some(id), false) => {
                        if let Some(n) = self.detail(table).and_then(|d| d.notes.iter().find(|n| n.note == id)) {
                            self.modal = Some(Modal::Note(NoteForm::edit(n, &row.text, row.tag)));
                        }
                    }
                    (None, _) => self.say(Level::Warn, self.word(terminal::NOTE_SENDING_NO_EDIT)),
                }
            }
            KeyCode::Char('w') | KeyCode::Delete if self.notes.in_notes => match rows.get(self.notes.sel) {
                Some(NoteRow { note: Some(id), withdrawn: false, .. }) => {
                    self.modal = Some(Modal::Confirm(Confirm::Withdraw(*id)))
                }
                Some(NoteRow { note: None, .. }) => {
                    self.say(Level::Warn, self.word(terminal::NOTE_SENDING_NO_WITHDRAW))
                }
                _ => {}
            },
            code => {
                if self.notes.in_notes {
                    if let Some(s) = step(self.notes.sel, rows.len(), code) {
                        self.notes.sel = s;
                    }
                } else if let Some(s) = step(self.notes.topic, self.topics().len(), code) {
                    if s != self.notes.topic {
                        self.notes.topic = s;
                        self.notes.sel = 0;
                    }
                }
            }
        }
        vec![]
    }

    pub(crate) fn note_form_key(&mut self, mut f: NoteForm, k: KeyEvent) -> Vec<Effect> {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if f.discard {
            match k.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => return vec![],
                _ => f.discard = false,
            }
            self.modal = Some(Modal::Note(f));
            return vec![];
        }
        let at = f.tag.and_then(|tag| TAGS.iter().position(|t| *t == tag));
        match k.code {
            KeyCode::Char('s') if ctrl => return self.save_note(f),
            KeyCode::Char('r') if ctrl => {
                if let Some(e) = self.speaking() {
                    // The note's text: the Chinese colon whatever the interface language (as before).
                    let name = format!("{}{}", e.name, ui::COLON.zh);
                    f.editor.paste(&name);
                }
            }
            KeyCode::Esc => {
                if f.editor.text() == f.original || f.editor.is_blank() {
                    return vec![];
                }
                f.discard = true;
            }
            KeyCode::Tab => f.tag = Some(TAGS[at.map_or(0, |a| (a + 1) % TAGS.len())]),
            KeyCode::BackTab => f.tag = Some(TAGS[at.map_or(TAGS.len() - 1, |a| (a + TAGS.len() - 1) % TAGS.len())]),
            KeyCode::F(n @ 2..=6) => f.tag = Some(TAGS[n as usize - 2]),
            _ => {
                f.editor.key(k, editor_width(self.size));
            }
        }
        self.modal = Some(Modal::Note(f));
        vec![]
    }

    fn save_note(&mut self, f: NoteForm) -> Vec<Effect> {
        let text = f.editor.text().trim_end().to_string();
        if text.trim().is_empty() {
            self.say(Level::Warn, self.word(terminal::NOTE_EMPTY));
            self.modal = Some(Modal::Note(f));
            return vec![];
        }
        let Some(tag) = f.tag else {
            self.say(Level::Warn, self.word(terminal::NOTE_NEEDS_TAG));
            self.modal = Some(Modal::Note(f));
            return vec![];
        };
        let cmd = match f.editing {
            Some(note) => Command::EditNote { note, tag, text },
            None => Command::AddNote { table: f.table, proposal: f.proposal.clone(), tag, text },
        };
        // Show the topic the note went to.
        if let Some(i) = self.topics().iter().position(|t| *t == f.proposal) {
            self.notes.topic = i;
        }
        self.command(cmd)
    }
}
