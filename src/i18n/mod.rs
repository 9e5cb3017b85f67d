//! Every user-visible string, in Latvian (the staff's language, the default) and English.
//!
//! The catalogue is typed: each key is a field of [`Texts`], and the [`catalogue!`] macro takes
//! both languages for every key, so a missing translation does not compile and a template that
//! names an unknown key does not compile either. Templates read `page.t.some_key`.

use std::fmt;

/// The languages the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Lv,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Lv, Lang::En];

    /// The BCP 47 code, for `<html lang>` and the database.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Lv => "lv",
            Lang::En => "en",
        }
    }

    /// Of a name kept in both languages (an e-service, an eID means), the one in this language.
    pub fn pick<'a>(self, lv: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Lv => lv,
            Lang::En => en,
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.code() == code)
    }

    /// The strings of this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Lv => &LV,
            Lang::En => &EN,
        }
    }

    /// The best language for an `Accept-Language` header: the first supported one by quality,
    /// Latvian when none is supported or the header is absent.
    pub fn negotiate(accept_language: Option<&str>) -> Lang {
        let Some(header) = accept_language else {
            return Lang::Lv;
        };
        let mut offers: Vec<(u16, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, item)| {
                let mut parts = item.trim().split(';');
                let tag = parts.next()?.trim().to_ascii_lowercase();
                let primary = tag.split('-').next()?;
                let lang = Lang::from_code(primary)?;
                let quality = parts
                    .find_map(|param| param.trim().strip_prefix("q="))
                    .map_or(Some(1000), parse_quality)?;
                (quality > 0).then_some((quality, position, lang))
            })
            .collect();
        offers.sort_by_key(|&(quality, position, _)| (std::cmp::Reverse(quality), position));
        offers.first().map_or(Lang::Lv, |&(_, _, lang)| lang)
    }
}

impl Texts {
    /// `one` or `other` with `{n}` replaced by `n`, by the language's rule for counted words:
    /// Latvian takes the singular for numbers ending in 1 but not in 11 (1, 21, 101 diena; 11
    /// dienas), English for 1 alone.
    pub fn counted(&self, n: u64, one: &str, other: &str) -> String {
        let singular = match self.lang {
            Lang::Lv => n % 10 == 1 && n % 100 != 11,
            Lang::En => n == 1,
        };
        let text = if singular { one } else { other };
        text.replace("{n}", &n.to_string())
    }
}

/// A quality value `0` … `1` with up to three decimals, in thousandths.
fn parse_quality(value: &str) -> Option<u16> {
    let quality: f32 = value.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&quality)
        .then(|| (quality * 1000.0).round() as u16)
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

mod admin;
mod auth;
mod cases;
mod common;
mod documents;
mod evidence;
mod messages;
mod review;

pub use admin::Admin;
pub use auth::Auth;
pub use cases::Cases;
pub use common::Common;
pub use documents::Documents;
pub use evidence::Evidence;
pub use messages::Messages;
pub use review::Review;

/// Declares one area's strings as a struct with a Latvian and an English instance; every key
/// must have both.
macro_rules! catalogue {
    ($(#[$meta:meta])* $name:ident { $( $key:ident { lv: $lv:literal, en: $en:literal $(,)? } )* }) => {
        $(#[$meta])*
        #[derive(Debug)]
        pub struct $name {
            $( pub $key: &'static str, )*
        }

        impl $name {
            pub const LV: $name = $name { $( $key: $lv, )* };
            pub const EN: $name = $name { $( $key: $en, )* };

            /// Every key with its text, for completeness checks.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![ $( (stringify!($key), self.$key), )* ]
            }
        }
    };
}
pub(crate) use catalogue;

/// The interface strings of one language, by area. Templates read `page.t.area.key`.
#[derive(Debug)]
pub struct Texts {
    pub lang: Lang,
    pub common: &'static Common,
    pub auth: &'static Auth,
    pub admin: &'static Admin,
    pub evidence: &'static Evidence,
    pub cases: &'static Cases,
    pub documents: &'static Documents,
    pub review: &'static Review,
    pub messages: &'static Messages,
}

static LV: Texts = Texts {
    lang: Lang::Lv,
    common: &Common::LV,
    auth: &Auth::LV,
    admin: &Admin::LV,
    evidence: &Evidence::LV,
    cases: &Cases::LV,
    documents: &Documents::LV,
    review: &Review::LV,
    messages: &Messages::LV,
};

static EN: Texts = Texts {
    lang: Lang::En,
    common: &Common::EN,
    auth: &Auth::EN,
    admin: &Admin::EN,
    evidence: &Evidence::EN,
    cases: &Cases::EN,
    documents: &Documents::EN,
    review: &Review::EN,
    messages: &Messages::EN,
};

impl Texts {
    /// Every key of every area with its text.
    pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
        [
            self.common.entries(),
            self.auth.entries(),
            self.admin.entries(),
            self.evidence.entries(),
            self.cases.entries(),
            self.documents.entries(),
            self.review.entries(),
            self.messages.entries(),
        ]
        .concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_words_follow_each_languages_rule() {
        let lv = Lang::Lv.texts();
        let c = lv.cases;
        let days = |n| lv.counted(n, c.awaiting_overdue_rule_one, c.awaiting_overdue_rule);
        assert!(days(1).ends_with("ilgāk par 1 dienu."));
        assert!(days(21).ends_with("ilgāk par 21 dienu."));
        assert!(days(11).ends_with("ilgāk par 11 dienām."));
        assert!(days(30).ends_with("ilgāk par 30 dienām."));
        assert!(days(111).ends_with("ilgāk par 111 dienām."));
        let en = Lang::En.texts();
        let e = en.cases;
        assert_eq!(
            en.counted(1, e.err_too_long_one, e.err_too_long),
            "At most 1 character is allowed."
        );
        assert_eq!(
            en.counted(21, e.err_too_long_one, e.err_too_long),
            "At most 21 characters are allowed."
        );
    }

    #[test]
    fn every_key_has_text_in_both_languages() {
        let latvian = LV.entries();
        let english = EN.entries();
        assert_eq!(latvian.len(), english.len());
        for ((key, lv), (_, en)) in latvian.iter().zip(&english) {
            assert!(!lv.trim().is_empty(), "{key} has no Latvian text");
            assert!(!en.trim().is_empty(), "{key} has no English text");
        }
    }

    /// Text a template writes itself, outside `{{ … }}`: what is left once comments, tags,
    /// expressions, HTML tags and entities are removed, plus the values of the attributes a
    /// person reads or hears (`aria-label`, `title`, `alt`, `placeholder`).
    fn literal_text(template: &str) -> Vec<String> {
        fn strip(text: &str, open: &str, close: &str, keep_attribute_text: bool) -> String {
            let mut out = String::new();
            let mut rest = text;
            while let Some(start) = rest.find(open) {
                out.push_str(&rest[..start]);
                let after = &rest[start + open.len()..];
                let end = after
                    .find(close)
                    .map_or(after.len(), |end| end + close.len());
                if keep_attribute_text {
                    for attribute in ["aria-label=\"", "title=\"", "alt=\"", "placeholder=\""] {
                        let mut tag = &after[..end.min(after.len())];
                        while let Some(at) = tag.find(attribute) {
                            let value = &tag[at + attribute.len()..];
                            let value = &value[..value.find('"').unwrap_or(value.len())];
                            out.push(' ');
                            out.push_str(value);
                            out.push(' ');
                            tag = &tag[at + attribute.len()..];
                        }
                    }
                }
                out.push(' ');
                rest = &after[end.min(after.len())..];
            }
            out.push_str(rest);
            out
        }
        let text = strip(template, "{#", "#}", false);
        let text = strip(&text, "{{", "}}", false);
        let text = strip(&text, "{%", "%}", false);
        let text = strip(&text, "<", ">", true);
        text.split_whitespace()
            .map(|word| {
                word.split('&')
                    .enumerate()
                    .map(|(i, part)| {
                        if i == 0 {
                            part
                        } else {
                            part.split_once(';').map_or(part, |(_, tail)| tail)
                        }
                    })
                    .collect::<String>()
            })
            .filter(|word| word.chars().any(char::is_alphabetic))
            .filter(|word| *word != "Pilnvara")
            .collect()
    }

    #[test]
    fn templates_write_no_words_of_their_own() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut pending = vec![root];
        let mut found = Vec::new();
        let mut read = 0;
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|ext| ext == "html") {
                    read += 1;
                    let template = std::fs::read_to_string(&path).unwrap();
                    for word in literal_text(&template) {
                        found.push(format!("{}: {word}", path.display()));
                    }
                }
            }
        }
        assert!(read > 30, "the templates were read ({read})");
        assert!(
            found.is_empty(),
            "user-visible words outside the catalogue:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn the_scan_finds_a_hard_coded_word() {
        let words = literal_text(
            "{# a comment #}<p class=\"x\">{{ page.t.a }} Saglabāt</p><a aria-label=\"Aizvērt\">22.¹1 — {{ b }}</a>",
        );
        assert_eq!(words, ["Saglabāt", "Aizvērt"]);
    }

    #[test]
    fn every_personal_code_example_passes_the_products_own_check() {
        let mut examples = Vec::new();
        for (_, text) in LV.entries().into_iter().chain(EN.entries()) {
            for word in text.split_whitespace() {
                let word = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
                let digits = word.replacen('-', "", 1);
                let shaped = word.len() == 11 || (word.len() == 12 && word.find('-') == Some(6));
                if shaped && digits.len() == 11 && digits.chars().all(|c| c.is_ascii_digit()) {
                    examples.push(word.to_owned());
                }
            }
        }
        assert!(examples.len() >= 4, "the hints were read: {examples:?}");
        for example in examples {
            assert!(
                crate::domain::personal_code::PersonalCode::parse(&example, false).is_ok(),
                "the example {example} fails the check digit"
            );
        }
    }

    #[test]
    fn latvian_is_the_default() {
        assert_eq!(Lang::negotiate(None), Lang::Lv);
        assert_eq!(Lang::negotiate(Some("de-DE,fr;q=0.9")), Lang::Lv);
        assert_eq!(Lang::negotiate(Some("")), Lang::Lv);
    }

    #[test]
    fn accept_language_is_honoured_by_quality() {
        assert_eq!(Lang::negotiate(Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(Some("en;q=0.5,lv;q=0.8")), Lang::Lv);
        assert_eq!(Lang::negotiate(Some("de,en;q=0.7,lv;q=0.3")), Lang::En);
        assert_eq!(Lang::negotiate(Some("lv;q=0,en;q=0.1")), Lang::En);
        assert_eq!(Lang::negotiate(Some("en;q=nonsense")), Lang::Lv);
    }
}
