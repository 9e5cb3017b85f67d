//! A small page-layout engine: measures text with the embedded font, wraps it,
//! breaks pages, and then draws everything with krilla.
//!
//! Layout happens first into plain drawing operations per page (so that the
//! footers can say "page x of y"), then the operations are drawn.
//!
//! Every drawn item is either content of a structure element (a part, heading,
//! paragraph or table cell, in reading order) or an artifact (rules, shading,
//! running headers and footers), so that the file is a tagged PDF: the layout
//! records the elements as it goes, and [`Layout::render`] builds krilla's tag
//! tree and the outline from them. English text is in elements marked `en`
//! (a paragraph of its own, or a span inside a Latvian heading or cell).

use std::num::NonZeroU16;

use krilla::Document;
use krilla::color::luma;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, Node, SpanTag, TableHeaderScope, Tag, TagGroup,
    TagKind, TagTree,
};
use krilla::text::{Font, TextDirection};

use super::PdfError;
use super::labels::{Bi, Wording};

static REGULAR_TTF: &[u8] = include_bytes!("../../static/fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../static/fonts/DejaVuSans-Bold.ttf");

/// A4 in PDF points.
pub const PAGE_W: f32 = 595.276;
pub const PAGE_H: f32 = 841.89;
/// 20 mm.
const MARGIN: f32 = 56.693;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Content ends at the bottom margin; the footer sits inside the margin.
const BOTTOM: f32 = PAGE_H - MARGIN;

const BODY: f32 = 10.0;
const SMALL: f32 = 8.5;
const LABEL_W: f32 = 158.0;
const COL_GAP: f32 = 12.0;
/// Value width of the first pair of a two-pair row, and label width of the second.
const PAIR_VALUE_W: f32 = 122.0;
const PAIR_LABEL_W: f32 = 78.0;

const BLACK: u8 = 0;
const DARK: u8 = 60;
const GREY: u8 = 110;
const RULE: u8 = 200;
const BAND: u8 = 236;

/// The two faces of DejaVu Sans, for drawing (krilla) and for measuring (rustybuzz).
pub struct Fonts {
    regular: Font,
    bold: Font,
    regular_face: rustybuzz::Face<'static>,
    bold_face: rustybuzz::Face<'static>,
}

impl Fonts {
    pub fn load() -> Result<Self, PdfError> {
        Ok(Self {
            regular: Font::new(REGULAR_TTF.into(), 0).ok_or(PdfError::Font)?,
            bold: Font::new(BOLD_TTF.into(), 0).ok_or(PdfError::Font)?,
            regular_face: rustybuzz::Face::from_slice(REGULAR_TTF, 0).ok_or(PdfError::Font)?,
            bold_face: rustybuzz::Face::from_slice(BOLD_TTF, 0).ok_or(PdfError::Font)?,
        })
    }

    /// Width of `text` in points, shaped the same way krilla shapes it when drawing.
    pub fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        let face = if bold {
            &self.bold_face
        } else {
            &self.regular_face
        };
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(face, &[], buffer);
        let units: i64 = shaped
            .glyph_positions()
            .iter()
            .map(|p| i64::from(p.x_advance))
            .sum();
        units as f32 * size / face.units_per_em() as f32
    }

    /// Greedy word wrap to `max_w`; explicit newlines start new lines and words
    /// wider than a line are broken between characters.
    pub fn wrap(&self, text: &str, bold: bool, size: f32, max_w: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            for word in para.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, bold, size) <= max_w {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if self.width(word, bold, size) <= max_w {
                    line = word.to_string();
                } else {
                    for ch in word.chars() {
                        let mut next = line.clone();
                        next.push(ch);
                        if !line.is_empty() && self.width(&next, bold, size) > max_w {
                            lines.push(std::mem::take(&mut line));
                            line.push(ch);
                        } else {
                            line = next;
                        }
                    }
                }
            }
            lines.push(line);
        }
        lines
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    pub grey: u8,
}

impl Style {
    pub const BODY: Style = Style {
        size: BODY,
        bold: false,
        grey: BLACK,
    };
    pub const BODY_EN: Style = Style {
        size: SMALL,
        bold: false,
        grey: GREY,
    };
    pub const VALUE: Style = Style {
        size: BODY,
        bold: true,
        grey: BLACK,
    };
    const LABEL: Style = Style {
        size: 9.0,
        bold: false,
        grey: DARK,
    };
    const LABEL_EN: Style = Style {
        size: 7.5,
        bold: false,
        grey: GREY,
    };

    const fn leading(self) -> f32 {
        self.size * 1.3
    }

    /// Distance from the top of a line box to the baseline.
    fn ascent(self) -> f32 {
        self.size * 0.95
    }
}

const TITLE: Style = Style {
    size: 15.0,
    bold: true,
    grey: BLACK,
};
const TITLE_EN: Style = Style {
    size: 10.5,
    bold: false,
    grey: GREY,
};

/// Where the content of a page that continues a group starts: under the continuation note.
const CONTINUED_TOP: f32 = MARGIN + Style::BODY_EN.leading() + 8.0;

/// The documents' language; English text is marked as such.
pub const LANGUAGE: &str = "lv";
const ENGLISH: &str = "en";

const H1: NonZeroU16 = NonZeroU16::MIN;
const H2: NonZeroU16 = NonZeroU16::MIN.saturating_add(1);

/// The language of a piece of text: the document's (Latvian, and the data filled in), or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Lv,
    En,
}

/// What a drawn item is to a reader.
#[derive(Debug, Clone, Copy)]
enum Mark {
    /// Text of the structure element `elem` (an index into `Layout::elems`).
    Content { elem: usize, lang: Lang },
    /// Not content: a rule, shading, a running header or footer.
    Artifact(ArtifactType),
}

impl Mark {
    fn text(elem: usize, lang: Lang) -> Self {
        Mark::Content { elem, lang }
    }
}

enum Op {
    Text {
        x: f32,
        baseline: f32,
        style: Style,
        text: String,
        mark: Mark,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: u8,
        artifact: ArtifactType,
    },
}

struct PageOps {
    ops: Vec<Op>,
    /// Which part of the file the page belongs to (the copy, for the authorisation).
    group: usize,
}

/// A group of pages: one copy of the authorisation, or a whole document.
#[derive(Clone)]
struct Group {
    /// Printed small at the top of a page that continues the group.
    continuation: String,
    /// The group's entry in the outline.
    outline: String,
}

/// What a structure element is; headings carry their text as title.
#[derive(Clone)]
enum Role {
    Part,
    Title(String),
    Heading(String),
    Paragraph,
    Table,
    Row,
    /// A row's label: the header of its row.
    RowHeader,
    Cell,
    /// Text in another language than its element's.
    Span,
}

impl Role {
    fn tag(&self) -> TagKind {
        match self {
            Role::Part => Tag::Part.into(),
            Role::Title(title) => Tag::Hn(H1, Some(title.clone())).into(),
            Role::Heading(title) => Tag::Hn(H2, Some(title.clone())).into(),
            Role::Paragraph => Tag::P.into(),
            Role::Table => Tag::Table.into(),
            Role::Row => Tag::TR.into(),
            Role::RowHeader => Tag::TH(TableHeaderScope::Row).into(),
            Role::Cell => Tag::TD.into(),
            Role::Span => Tag::Span.into(),
        }
    }
}

/// A structure element of the tag tree.
#[derive(Clone)]
struct Elem {
    role: Role,
    lang: Lang,
    /// In reading order.
    children: Vec<Child>,
}

#[derive(Clone, Copy)]
enum Child {
    Elem(usize),
    /// The n-th content text drawn in the file.
    Text(usize),
}

struct Cell<'a> {
    label: Bi,
    label_x: f32,
    label_w: f32,
    value: &'a str,
    value_en: Option<&'a str>,
    value_x: f32,
    value_w: f32,
}

/// Footer text of a group of pages: left part; "page x of y" is added on the right.
pub struct Footer {
    pub left: String,
}

/// The layout cursor over a growing list of pages.
pub struct Layout<'f> {
    fonts: &'f Fonts,
    words: Wording,
    pages: Vec<PageOps>,
    y: f32,
    groups: Vec<Group>,
    /// The structure elements; `roots` are the top-level ones, in reading order.
    elems: Vec<Elem>,
    roots: Vec<usize>,
    /// The current group's part.
    part: Option<usize>,
    /// The table that label/value rows join until other content comes.
    table: Option<usize>,
    /// How many content texts were laid out so far.
    texts: usize,
}

impl<'f> Layout<'f> {
    pub fn new(fonts: &'f Fonts, words: Wording) -> Self {
        Self {
            fonts,
            words,
            pages: Vec::new(),
            y: MARGIN,
            groups: Vec::new(),
            elems: Vec::new(),
            roots: Vec::new(),
            part: None,
            table: None,
            texts: 0,
        }
    }

    /// Starts a new group (a copy) on a fresh page, with its entry in the outline.
    pub fn start_group(&mut self, outline: String, continuation: String) {
        let group = self.groups.len();
        self.groups.push(Group {
            continuation,
            outline,
        });
        self.pages.push(PageOps {
            ops: Vec::new(),
            group,
        });
        self.y = MARGIN;
        self.table = None;
        self.part = Some(self.open(Role::Part, Lang::Lv, None));
    }

    fn page_break(&mut self) {
        let group = self.pages.last().map_or(0, |p| p.group);
        self.pages.push(PageOps {
            ops: Vec::new(),
            group,
        });
        self.y = MARGIN;
        let note = format!(
            "{} ({})",
            self.groups
                .get(group)
                .map_or("", |g| g.continuation.as_str()),
            self.words.inline(|l| l.continued)
        );
        let header = Mark::Artifact(ArtifactType::Header);
        self.text_at(MARGIN, &note, Style::BODY_EN, header);
        self.y = CONTINUED_TOP;
    }

    /// Breaks the page unless `h` points still fit on it.
    pub fn need(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > MARGIN + 40.0 {
            self.page_break();
        }
    }

    /// Lays out `block` on one page: when it would not fit on what is left of this page but
    /// fits on a fresh one, it starts on the next page. Measured by laying `block` out on a
    /// throwaway copy of the layout first, so `block` must do nothing but lay out.
    pub fn keep_together(&mut self, block: impl Fn(&mut Self)) {
        if !self.fits(self.y, &block) && self.fits(CONTINUED_TOP, &block) {
            self.page_break();
        }
        block(self);
    }

    /// Whether `block`, laid out from `y` on a page of the current group, ends on that page.
    fn fits(&self, y: f32, block: &impl Fn(&mut Self)) -> bool {
        let mut probe = Layout {
            fonts: self.fonts,
            words: self.words,
            pages: vec![PageOps {
                ops: Vec::new(),
                group: self.pages.last().map_or(0, |p| p.group),
            }],
            y,
            groups: self.groups.clone(),
            elems: self.elems.clone(),
            roots: Vec::new(),
            part: self.part,
            table: self.table,
            texts: self.texts,
        };
        block(&mut probe);
        probe.pages.len() == 1
    }

    pub fn space(&mut self, h: f32) {
        self.y += h;
    }

    /// A new structure element under `parent`, or at the top level.
    fn open(&mut self, role: Role, lang: Lang, parent: Option<usize>) -> usize {
        let index = self.elems.len();
        self.elems.push(Elem {
            role,
            lang,
            children: Vec::new(),
        });
        match parent.and_then(|p| self.elems.get_mut(p)) {
            Some(parent) => parent.children.push(Child::Elem(index)),
            None => self.roots.push(index),
        }
        index
    }

    /// A new element in the current part; it ends the open table.
    fn block(&mut self, role: Role, lang: Lang) -> usize {
        self.table = None;
        self.open(role, lang, self.part)
    }

    /// The element that holds text of `lang` in `elem`: `elem` itself when the languages
    /// match, else a span in `elem` (the last one, when the text continues it).
    fn holder(&mut self, elem: usize, lang: Lang) -> Option<usize> {
        let parent = self.elems.get(elem)?;
        if parent.lang == lang {
            return Some(elem);
        }
        let continued = match parent.children.last() {
            Some(&Child::Elem(last)) => self
                .elems
                .get(last)
                .filter(|span| matches!(span.role, Role::Span) && span.lang == lang)
                .map(|_| last),
            _ => None,
        };
        Some(continued.unwrap_or_else(|| self.open(Role::Span, lang, Some(elem))))
    }

    fn push(&mut self, op: Op) {
        if self.pages.is_empty() {
            self.start_group(String::new(), String::new());
        }
        if let Some(page) = self.pages.last_mut() {
            page.ops.push(op);
        }
    }

    /// One line of text on `baseline`; content joins its structure element.
    fn text_line(&mut self, x: f32, baseline: f32, style: Style, text: &str, mark: Mark) {
        if text.is_empty() {
            return;
        }
        let mark = match mark {
            Mark::Content { elem, lang } => match self
                .holder(elem, lang)
                .and_then(|holder| self.elems.get_mut(holder))
            {
                Some(holder) => {
                    holder.children.push(Child::Text(self.texts));
                    self.texts += 1;
                    mark
                }
                // Unreachable: elements are only made by `open`. Untagged text would fail
                // the render, so it is drawn as an artifact instead.
                None => Mark::Artifact(ArtifactType::Other),
            },
            Mark::Artifact(_) => mark,
        };
        self.push(Op::Text {
            x,
            baseline,
            style,
            text: text.to_string(),
            mark,
        });
    }

    /// One line of text with its line box starting at the cursor (the cursor does not move).
    fn text_at(&mut self, x: f32, text: &str, style: Style, mark: Mark) {
        let baseline = self.y + style.ascent();
        self.text_line(x, baseline, style, text, mark);
    }

    fn rule(&mut self, x: f32, w: f32, y: f32, thickness: f32, grey: u8) {
        self.push(Op::Rect {
            x,
            y,
            w,
            h: thickness,
            grey,
            artifact: ArtifactType::Layout,
        });
    }

    /// `text` wrapped over the content width into `elem`, moving the cursor down.
    fn lines(&mut self, elem: usize, text: &str, style: Style, lang: Lang) {
        for line in self.fonts.wrap(text, style.bold, style.size, CONTENT_W) {
            self.need(style.leading());
            self.text_at(MARGIN, &line, style, Mark::text(elem, lang));
            self.y += style.leading();
        }
    }

    /// A wrapped paragraph over the content width.
    pub fn paragraph(&mut self, text: &str, style: Style, lang: Lang) {
        let elem = self.block(Role::Paragraph, lang);
        self.lines(elem, text, style, lang);
    }

    /// A Latvian paragraph with its English translation under it (when bilingual).
    pub fn bi_paragraph(&mut self, text: Bi) {
        self.bilingual(text.lv, text.en);
    }

    /// A Latvian paragraph with its English translation, if any, under it.
    pub fn bilingual(&mut self, lv: &str, en: Option<&str>) {
        self.paragraph(lv, Style::BODY, Lang::Lv);
        if let Some(en) = en {
            self.space(2.0);
            self.paragraph(en, Style::BODY_EN, Lang::En);
        }
    }

    /// The document title, with the English title under it.
    pub fn title(&mut self, title: Bi) {
        let elem = self.block(Role::Title(title.inline()), Lang::Lv);
        self.lines(elem, title.lv, TITLE, Lang::Lv);
        if let Some(en) = title.en {
            self.space(1.0);
            self.lines(elem, en, TITLE_EN, Lang::En);
        }
        self.space(6.0);
    }

    /// A section heading with a rule under it; English beside it when it fits, else under it.
    pub fn heading(&mut self, heading: Bi) {
        let style = Style {
            size: 11.0,
            bold: true,
            grey: BLACK,
        };
        let en_style = Style {
            size: 9.0,
            bold: false,
            grey: GREY,
        };
        // Keep the heading with at least two rows of what follows.
        self.need(style.leading() + 60.0);
        self.space(5.0);
        let elem = self.block(Role::Heading(heading.inline()), Lang::Lv);
        let lv_w = self.fonts.width(heading.lv, true, style.size);
        let lv = Mark::text(elem, Lang::Lv);
        self.text_at(MARGIN, heading.lv, style, lv);
        if let Some(en) = heading.en {
            let mark = Mark::text(elem, Lang::En);
            let gap = 8.0;
            let en_w = self.fonts.width(en, false, en_style.size);
            if lv_w + gap + en_w <= CONTENT_W {
                // Align the baselines.
                let baseline = self.y + style.ascent();
                self.text_line(MARGIN + lv_w + gap, baseline, en_style, en, mark);
            } else {
                self.y += style.leading();
                self.text_at(MARGIN, en, en_style, mark);
            }
        }
        self.y += style.leading();
        let y = self.y;
        self.rule(MARGIN, CONTENT_W, y, 0.8, DARK);
        self.y += 3.5;
    }

    /// A label/value row: the label (and its English) on the left, the value wrapped on the
    /// right, an optional English value under it; a light rule below. Kept on one page.
    /// Consecutive rows make one table, a row of header (the label) and cell (the value).
    pub fn row(&mut self, label: Bi, value: &str, value_en: Option<&str>) {
        let value_x = MARGIN + LABEL_W + COL_GAP;
        self.cells(&[Cell {
            label,
            label_x: MARGIN,
            label_w: LABEL_W,
            value,
            value_en,
            value_x,
            value_w: MARGIN + CONTENT_W - value_x,
        }]);
    }

    /// Two short label/value pairs on one row: the first in the usual columns, the
    /// second in the right half of the value column. To a reader, two rows of the table.
    pub fn row_pair(&mut self, first: (Bi, &str), second: (Bi, &str)) {
        let value_x = MARGIN + LABEL_W + COL_GAP;
        let first_w = PAIR_VALUE_W;
        let second_label_x = value_x + first_w + COL_GAP;
        let second_value_x = second_label_x + PAIR_LABEL_W + COL_GAP;
        self.cells(&[
            Cell {
                label: first.0,
                label_x: MARGIN,
                label_w: LABEL_W,
                value: first.1,
                value_en: None,
                value_x,
                value_w: first_w,
            },
            Cell {
                label: second.0,
                label_x: second_label_x,
                label_w: PAIR_LABEL_W,
                value: second.1,
                value_en: None,
                value_x: second_value_x,
                value_w: MARGIN + CONTENT_W - second_value_x,
            },
        ]);
    }

    fn cells(&mut self, cells: &[Cell<'_>]) {
        let fonts = self.fonts;
        struct Lines {
            label: Vec<String>,
            label_en: Vec<String>,
            value: Vec<String>,
            value_en: Vec<String>,
        }
        let lines: Vec<Lines> = cells
            .iter()
            .map(|c| Lines {
                label: fonts.wrap(c.label.lv, false, Style::LABEL.size, c.label_w),
                label_en: c.label.en.map_or_else(Vec::new, |en| {
                    fonts.wrap(en, false, Style::LABEL_EN.size, c.label_w)
                }),
                value: fonts.wrap(c.value, true, Style::VALUE.size, c.value_w),
                value_en: c.value_en.map_or_else(Vec::new, |en| {
                    fonts.wrap(en, false, Style::BODY_EN.size, c.value_w)
                }),
            })
            .collect();

        // Line boxes: the label's first line shares the value's first line box, so
        // the label sits on the value's baseline.
        let mut content_h: f32 = 0.0;
        for l in &lines {
            let label_h = Style::VALUE.leading()
                + (l.label.len().saturating_sub(1)) as f32 * Style::LABEL.leading()
                + l.label_en.len() as f32 * Style::LABEL_EN.leading();
            let value_h = l.value.len() as f32 * Style::VALUE.leading()
                + l.value_en.len() as f32 * Style::BODY_EN.leading();
            content_h = content_h.max(label_h).max(value_h);
        }
        let pad = 2.2;
        let h = content_h + 2.0 * pad;
        self.need(h);
        let table = match self.table {
            Some(table) => table,
            None => {
                let table = self.block(Role::Table, Lang::Lv);
                self.table = Some(table);
                table
            }
        };

        let first_baseline = self.y + pad + Style::VALUE.ascent();
        for (cell, l) in cells.iter().zip(&lines) {
            let row = self.open(Role::Row, Lang::Lv, Some(table));
            let header = self.open(Role::RowHeader, Lang::Lv, Some(row));
            let label_styles = [Style::LABEL, Style::LABEL_EN];
            self.column(
                cell.label_x,
                first_baseline,
                header,
                [&l.label, &l.label_en],
                label_styles,
            );
            let value = self.open(Role::Cell, Lang::Lv, Some(row));
            let value_styles = [Style::VALUE, Style::BODY_EN];
            self.column(
                cell.value_x,
                first_baseline,
                value,
                [&l.value, &l.value_en],
                value_styles,
            );
        }
        self.y += h;
        let y = self.y;
        self.rule(MARGIN, CONTENT_W, y, 0.4, RULE);
    }

    /// A label's or a value's lines from `baseline` down into `elem`: the Latvian (or the
    /// data), then the English, each in its style.
    fn column(
        &mut self,
        x: f32,
        mut baseline: f32,
        elem: usize,
        [lines, lines_en]: [&[String]; 2],
        [style, style_en]: [Style; 2],
    ) {
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                baseline += style.leading();
            }
            let mark = Mark::text(elem, Lang::Lv);
            self.text_line(x, baseline, style, line, mark);
        }
        for line in lines_en {
            baseline += style_en.leading();
            let mark = Mark::text(elem, Lang::En);
            self.text_line(x, baseline, style_en, line, mark);
        }
    }

    /// A shaded band across the page: bold text on the left (English under it),
    /// `right` on the right.
    pub fn band(&mut self, text: Bi, right: &str) {
        let style = Style {
            size: 10.5,
            bold: true,
            grey: BLACK,
        };
        let right_w = self.fonts.width(right, true, style.size);
        let pad = 6.0;
        let h = pad * 2.0 + style.leading() + text.en.map_or(0.0, |_| Style::BODY_EN.leading());
        self.need(h);
        let elem = self.block(Role::Paragraph, Lang::Lv);
        let top = self.y;
        for (x, w, grey) in [(MARGIN, CONTENT_W, BAND), (MARGIN, 3.0, DARK)] {
            self.push(Op::Rect {
                x,
                y: top,
                w,
                h,
                grey,
                artifact: ArtifactType::Layout,
            });
        }
        // Read as: the copy, its English, then the number on the right.
        let baseline = top + pad + style.ascent();
        let lv = Mark::text(elem, Lang::Lv);
        self.text_line(MARGIN + 12.0, baseline, style, text.lv, lv);
        if let Some(en) = text.en {
            let en_baseline = top + pad + style.leading() + Style::BODY_EN.ascent();
            let mark = Mark::text(elem, Lang::En);
            self.text_line(MARGIN + 12.0, en_baseline, Style::BODY_EN, en, mark);
        }
        let right_x = MARGIN + CONTENT_W - 10.0 - right_w;
        self.text_line(right_x, baseline, style, right, lv);
        self.y = top + h + 12.0;
    }

    /// The date and place row followed by two signature blocks side by side, kept on one
    /// page: a line to sign on (drawn, not read), the name and the label under it.
    pub fn signatures(&mut self, date: (Bi, &str), place: (Bi, &str), blocks: [(Bi, &str); 2]) {
        let col_w = (CONTENT_W - 36.0) / 2.0;
        let line_gap = 30.0;
        let english = blocks.iter().any(|(label, _)| label.en.is_some());
        let h = line_gap
            + 4.0
            + Style::VALUE.leading()
            + Style::LABEL.leading()
            + if english {
                Style::LABEL_EN.leading()
            } else {
                0.0
            };
        // The date/place row: one line, with the English labels under the Latvian ones.
        let row_h = if english { 30.0 } else { 18.0 };
        self.need(h + row_h);
        self.row_pair(date, place);
        self.need(h);
        let top = self.y + line_gap;
        for (i, (label, name)) in blocks.iter().enumerate() {
            let x = MARGIN + i as f32 * (col_w + 36.0);
            let elem = self.block(Role::Paragraph, Lang::Lv);
            self.rule(x, col_w, top, 0.7, BLACK);
            // Read as: whose signature (both languages), then the name.
            let name_baseline = top + 4.0 + Style::VALUE.ascent();
            let label_top = top + 4.0 + Style::VALUE.leading();
            let lv = Mark::text(elem, Lang::Lv);
            self.text_line(
                x,
                label_top + Style::LABEL.ascent(),
                Style::LABEL,
                label.lv,
                lv,
            );
            if let Some(en) = label.en {
                let baseline = label_top + Style::LABEL.leading() + Style::LABEL_EN.ascent();
                let mark = Mark::text(elem, Lang::En);
                self.text_line(x, baseline, Style::LABEL_EN, en, mark);
            }
            self.text_line(x, name_baseline, Style::VALUE, name, lv);
        }
        self.y = top + h - line_gap;
    }

    /// Draws all pages into a krilla document, adding footers per group, and gives the
    /// document its tag tree and outline.
    pub fn render(self, document: &mut Document, footers: &[Footer]) -> Result<(), PdfError> {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or(PdfError::Layout)?;
        let page_label = self.words.inline(|l| l.page);
        let of_label = self.words.inline(|l| l.page_of);
        let mut ids = Vec::with_capacity(self.texts);
        for (index, page) in self.pages.iter().enumerate() {
            let in_group: Vec<usize> = self
                .pages
                .iter()
                .enumerate()
                .filter(|(_, p)| p.group == page.group)
                .map(|(i, _)| i)
                .collect();
            let number = in_group.iter().position(|&i| i == index).unwrap_or(0) + 1;
            let total = in_group.len();
            let footer_left = footers.get(page.group).map_or("", |f| f.left.as_str());

            let right = if self.words.english {
                format!("{page_label} {number} / {total}")
            } else {
                format!("{page_label} {number} {of_label} {total}")
            };

            let mut pdf_page = document.start_page_with(settings.clone());
            let mut surface = pdf_page.surface();
            for op in &page.ops {
                self.draw(&mut surface, op, &mut ids)?;
            }
            let footer_y = PAGE_H - MARGIN + 10.0;
            let style = Style {
                size: 7.5,
                bold: false,
                grey: GREY,
            };
            let footer_ops = [
                Op::Rect {
                    x: MARGIN,
                    y: footer_y,
                    w: CONTENT_W,
                    h: 0.4,
                    grey: RULE,
                    artifact: ArtifactType::Footer,
                },
                Op::Text {
                    x: MARGIN,
                    baseline: footer_y + 11.0,
                    style,
                    text: self.fit(
                        footer_left,
                        style,
                        CONTENT_W - 16.0 - self.fonts.width(&right, false, style.size),
                    ),
                    mark: Mark::Artifact(ArtifactType::Footer),
                },
                Op::Text {
                    x: MARGIN + CONTENT_W - self.fonts.width(&right, false, style.size),
                    baseline: footer_y + 11.0,
                    style,
                    text: right,
                    mark: Mark::Artifact(ArtifactType::PageNumber),
                },
            ];
            for op in &footer_ops {
                self.draw(&mut surface, op, &mut ids)?;
            }
            surface.finish();
            pdf_page.finish();
        }
        document.set_outline(self.outline());
        document.set_tag_tree(self.tag_tree(&ids));
        Ok(())
    }

    /// One entry per group, at its first page.
    fn outline(&self) -> Outline {
        let mut outline = Outline::new();
        for (index, group) in self.groups.iter().enumerate() {
            let first_page = self.pages.iter().position(|p| p.group == index);
            if let Some(page) = first_page.filter(|_| !group.outline.is_empty()) {
                let top = XyzDestination::new(page, Point::from_xy(0.0, 0.0));
                outline.push_child(OutlineNode::new(group.outline.clone(), top));
            }
        }
        outline
    }

    /// The structure elements as krilla's tag tree; `ids` are the content texts as drawn.
    fn tag_tree(&self, ids: &[Identifier]) -> TagTree {
        let mut tree = TagTree::new().with_lang(Some(LANGUAGE.to_string()));
        for &root in &self.roots {
            if let Some(group) = self.tag_group(root, ids) {
                tree.push(group);
            }
        }
        tree
    }

    /// Element `index` with its children; `None` when it holds no text (krilla would write an
    /// empty element).
    fn tag_group(&self, index: usize, ids: &[Identifier]) -> Option<TagGroup> {
        let elem = self.elems.get(index)?;
        let children: Vec<Node> = elem
            .children
            .iter()
            .filter_map(|child| match *child {
                Child::Elem(child) => self.tag_group(child, ids).map(Node::from),
                Child::Text(text) => ids.get(text).copied().map(Node::from),
            })
            .collect();
        let lang = (elem.lang == Lang::En).then(|| ENGLISH.to_string());
        let tag = elem.role.tag().with_lang(lang);
        (!children.is_empty()).then(|| TagGroup::with_children(tag, children))
    }

    /// `text`, shortened with an ellipsis to fit `max_w`.
    fn fit(&self, text: &str, style: Style, max_w: f32) -> String {
        if self.fonts.width(text, style.bold, style.size) <= max_w {
            return text.to_string();
        }
        let mut short: String = text.to_string();
        while !short.is_empty() {
            short.pop();
            let candidate = format!("{}…", short.trim_end());
            if self.fonts.width(&candidate, style.bold, style.size) <= max_w {
                return candidate;
            }
        }
        String::new()
    }

    /// Draws `op` marked as what it is; a content text's identifier goes to `ids`.
    fn draw(
        &self,
        surface: &mut Surface<'_>,
        op: &Op,
        ids: &mut Vec<Identifier>,
    ) -> Result<(), PdfError> {
        match op {
            Op::Text {
                x,
                baseline,
                style,
                text,
                mark,
            } => {
                if text.is_empty() {
                    return Ok(());
                }
                let font = if style.bold {
                    self.fonts.bold.clone()
                } else {
                    self.fonts.regular.clone()
                };
                match *mark {
                    Mark::Content { .. } => {
                        ids.push(surface.start_tagged(ContentTag::Span(SpanTag::empty())));
                    }
                    Mark::Artifact(kind) => {
                        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(kind)));
                    }
                }
                surface.set_fill(Some(fill(style.grey)));
                surface.draw_text(
                    Point::from_xy(*x, *baseline),
                    font,
                    style.size,
                    text,
                    false,
                    TextDirection::Auto,
                );
                surface.end_tagged();
            }
            Op::Rect {
                x,
                y,
                w,
                h,
                grey,
                artifact,
            } => {
                let mut builder = PathBuilder::new();
                builder.push_rect(Rect::from_xywh(*x, *y, *w, *h).ok_or(PdfError::Layout)?);
                let path = builder.finish().ok_or(PdfError::Layout)?;
                surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(*artifact)));
                surface.set_fill(Some(fill(*grey)));
                surface.draw_path(&path);
                surface.end_tagged();
            }
        }
        Ok(())
    }
}

fn fill(grey: u8) -> Fill {
    Fill {
        paint: luma::Color::new(grey).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}
