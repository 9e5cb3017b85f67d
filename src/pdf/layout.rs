//! A small page-layout engine: measures text with the embedded font, wraps it,
//! breaks pages, and then draws everything with krilla.
//!
//! Layout happens first into plain drawing operations per page (so that the
//! footers can say "page x of y"), then the operations are drawn.

use krilla::Document;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
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

    fn leading(self) -> f32 {
        self.size * 1.3
    }

    /// Distance from the top of a line box to the baseline.
    fn ascent(self) -> f32 {
        self.size * 0.95
    }
}

enum Op {
    Text {
        x: f32,
        baseline: f32,
        style: Style,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: u8,
    },
}

struct PageOps {
    ops: Vec<Op>,
    /// Which part of the file the page belongs to (the copy, for the authorisation).
    group: usize,
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
    /// Printed small at the top of a page that continues a group.
    continuation: String,
}

impl<'f> Layout<'f> {
    pub fn new(fonts: &'f Fonts, words: Wording) -> Self {
        Self {
            fonts,
            words,
            pages: Vec::new(),
            y: MARGIN,
            continuation: String::new(),
        }
    }

    /// Starts a new group (a copy) on a fresh page.
    pub fn start_group(&mut self, continuation: String) {
        let group = self.pages.last().map_or(0, |p| p.group + 1);
        self.continuation = continuation;
        self.pages.push(PageOps {
            ops: Vec::new(),
            group,
        });
        self.y = MARGIN;
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
            self.continuation,
            self.words.inline(|l| l.continued)
        );
        self.text_at(MARGIN, &note, Style::BODY_EN);
        self.y += Style::BODY_EN.leading() + 8.0;
    }

    /// Breaks the page unless `h` points still fit on it.
    pub fn need(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > MARGIN + 40.0 {
            self.page_break();
        }
    }

    pub fn space(&mut self, h: f32) {
        self.y += h;
    }

    fn push(&mut self, op: Op) {
        if self.pages.is_empty() {
            self.start_group(String::new());
        }
        if let Some(page) = self.pages.last_mut() {
            page.ops.push(op);
        }
    }

    /// One line of text with its line box starting at the cursor (the cursor does not move).
    fn text_at(&mut self, x: f32, text: &str, style: Style) {
        if text.is_empty() {
            return;
        }
        let baseline = self.y + style.ascent();
        self.push(Op::Text {
            x,
            baseline,
            style,
            text: text.to_string(),
        });
    }

    fn rule(&mut self, x: f32, w: f32, y: f32, thickness: f32, grey: u8) {
        self.push(Op::Rect {
            x,
            y,
            w,
            h: thickness,
            grey,
        });
    }

    /// A wrapped paragraph over the content width, `indent` from the left margin.
    pub fn paragraph(&mut self, text: &str, style: Style, indent: f32) {
        for line in self
            .fonts
            .wrap(text, style.bold, style.size, CONTENT_W - indent)
        {
            self.need(style.leading());
            self.text_at(MARGIN + indent, &line, style);
            self.y += style.leading();
        }
    }

    /// A Latvian paragraph with its English translation under it (when bilingual).
    pub fn bi_paragraph(&mut self, text: Bi) {
        self.paragraph(text.lv, Style::BODY, 0.0);
        if let Some(en) = text.en {
            self.space(2.0);
            self.paragraph(en, Style::BODY_EN, 0.0);
        }
    }

    /// The document title, with the English title under it.
    pub fn title(&mut self, title: Bi) {
        let style = Style {
            size: 15.0,
            bold: true,
            grey: BLACK,
        };
        self.paragraph(title.lv, style, 0.0);
        if let Some(en) = title.en {
            self.space(1.0);
            self.paragraph(
                en,
                Style {
                    size: 10.5,
                    bold: false,
                    grey: GREY,
                },
                0.0,
            );
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
        self.space(7.0);
        let lv_w = self.fonts.width(heading.lv, true, style.size);
        self.text_at(MARGIN, heading.lv, style);
        if let Some(en) = heading.en {
            let gap = 8.0;
            let en_w = self.fonts.width(en, false, en_style.size);
            if lv_w + gap + en_w <= CONTENT_W {
                // Align the baselines.
                let baseline = self.y + style.ascent();
                self.push(Op::Text {
                    x: MARGIN + lv_w + gap,
                    baseline,
                    style: en_style,
                    text: en.to_string(),
                });
            } else {
                self.y += style.leading();
                self.text_at(MARGIN, en, en_style);
            }
        }
        self.y += style.leading();
        let y = self.y;
        self.rule(MARGIN, CONTENT_W, y, 0.8, DARK);
        self.y += 3.5;
    }

    /// A label/value row: the label (and its English) on the left, the value wrapped on the
    /// right, an optional English value under it; a light rule below. Kept on one page.
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
    /// second in the right half of the value column.
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

        let first_baseline = self.y + pad + Style::VALUE.ascent();
        for (cell, l) in cells.iter().zip(&lines) {
            let mut baseline = first_baseline;
            for (i, line) in l.label.iter().enumerate() {
                if i > 0 {
                    baseline += Style::LABEL.leading();
                }
                self.text_line(cell.label_x, baseline, Style::LABEL, line);
            }
            for line in &l.label_en {
                baseline += Style::LABEL_EN.leading();
                self.text_line(cell.label_x, baseline, Style::LABEL_EN, line);
            }
            let mut baseline = first_baseline;
            for (i, line) in l.value.iter().enumerate() {
                if i > 0 {
                    baseline += Style::VALUE.leading();
                }
                self.text_line(cell.value_x, baseline, Style::VALUE, line);
            }
            for line in &l.value_en {
                baseline += Style::BODY_EN.leading();
                self.text_line(cell.value_x, baseline, Style::BODY_EN, line);
            }
        }
        self.y += h;
        let y = self.y;
        self.rule(MARGIN, CONTENT_W, y, 0.4, RULE);
    }

    fn text_line(&mut self, x: f32, baseline: f32, style: Style, text: &str) {
        self.push(Op::Text {
            x,
            baseline,
            style,
            text: text.to_string(),
        });
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
        let top = self.y;
        self.push(Op::Rect {
            x: MARGIN,
            y: top,
            w: CONTENT_W,
            h,
            grey: BAND,
        });
        self.push(Op::Rect {
            x: MARGIN,
            y: top,
            w: 3.0,
            h,
            grey: DARK,
        });
        self.y = top + pad;
        self.text_at(MARGIN + 12.0, text.lv, style);
        self.text_at(MARGIN + CONTENT_W - 10.0 - right_w, right, style);
        if let Some(en) = text.en {
            self.y += style.leading();
            self.text_at(MARGIN + 12.0, en, Style::BODY_EN);
        }
        self.y = top + h + 12.0;
    }

    /// Two signature blocks side by side: a line to sign on, the name and the label under it.
    /// The date and place row followed by the signature blocks, kept on one page.
    pub fn signatures(&mut self, date: (Bi, &str), place: (Bi, &str), blocks: [(Bi, &str); 2]) {
        let col_w = (CONTENT_W - 36.0) / 2.0;
        let line_gap = 34.0;
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
            self.rule(x, col_w, top, 0.7, BLACK);
            self.y = top + 4.0;
            self.text_at(x, name, Style::VALUE);
            self.y += Style::VALUE.leading();
            self.text_at(x, label.lv, Style::LABEL);
            if let Some(en) = label.en {
                self.y += Style::LABEL.leading();
                self.text_at(x, en, Style::LABEL_EN);
            }
        }
        self.y = top + h - line_gap;
    }

    /// Draws all pages into a krilla document, adding footers per group.
    pub fn render(self, document: &mut Document, footers: &[Footer]) -> Result<(), PdfError> {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or(PdfError::Layout)?;
        let page_label = self.words.inline(|l| l.page);
        let of_label = self.words.inline(|l| l.page_of);
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
                self.draw(&mut surface, op)?;
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
                },
                Op::Text {
                    x: MARGIN + CONTENT_W - self.fonts.width(&right, false, style.size),
                    baseline: footer_y + 11.0,
                    style,
                    text: right,
                },
            ];
            for op in &footer_ops {
                self.draw(&mut surface, op)?;
            }
            surface.finish();
            pdf_page.finish();
        }
        Ok(())
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

    fn draw(&self, surface: &mut krilla::surface::Surface<'_>, op: &Op) -> Result<(), PdfError> {
        match op {
            Op::Text {
                x,
                baseline,
                style,
                text,
            } => {
                if text.is_empty() {
                    return Ok(());
                }
                surface.set_fill(Some(fill(style.grey)));
                let font = if style.bold {
                    self.fonts.bold.clone()
                } else {
                    self.fonts.regular.clone()
                };
                surface.draw_text(
                    Point::from_xy(*x, *baseline),
                    font,
                    style.size,
                    text,
                    false,
                    TextDirection::Auto,
                );
            }
            Op::Rect { x, y, w, h, grey } => {
                let mut builder = PathBuilder::new();
                builder.push_rect(Rect::from_xywh(*x, *y, *w, *h).ok_or(PdfError::Layout)?);
                let path = builder.finish().ok_or(PdfError::Layout)?;
                surface.set_fill(Some(fill(*grey)));
                surface.draw_path(&path);
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
