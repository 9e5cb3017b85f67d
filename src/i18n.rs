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

/// Declares [`Texts`] and its Latvian and English instances; every key must have both.
macro_rules! catalogue {
    ($( $key:ident { lv: $lv:literal, en: $en:literal $(,)? } )*) => {
        /// The interface strings of one language.
        #[derive(Debug)]
        pub struct Texts {
            $( pub $key: &'static str, )*
        }

        pub static LV: Texts = Texts { $( $key: $lv, )* };
        pub static EN: Texts = Texts { $( $key: $en, )* };

        impl Texts {
            /// Every key with its text, for completeness checks.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![ $( (stringify!($key), self.$key), )* ]
            }
        }
    };
}

catalogue! {
    product_name { lv: "Pilnvara", en: "Pilnvara" }
    product_tagline {
        lv: "Pilnvarotā e-pakalpojuma pieteikšana VPVKAC klientu vārdā",
        en: "Applying for authorised e-services on behalf of VPVKAC clients",
    }
    skip_to_content { lv: "Pāriet uz saturu", en: "Skip to content" }
    footer_regulation {
        lv: "Ministru kabineta 2017. gada 4. jūlija noteikumi Nr. 401, 22.¹ punkts",
        en: "Cabinet Regulation No. 401 of 4 July 2017, point 22.¹",
    }
    language_name { lv: "Latviešu", en: "English" }
    home_title { lv: "Sākums", en: "Home" }
    home_intro {
        lv: "Pilnvara palīdz VPVKAC darbiniekam pieteikt e-pakalpojumu klienta vārdā, ja klientam nav elektroniskās identifikācijas līdzekļu, un izpildīt katru 22.¹ punkta pienākumu noteiktajā secībā.",
        en: "Pilnvara helps a VPVKAC employee apply for an e-service on behalf of a client who has no electronic identification means, and carry out each duty of point 22.¹ in the order the regulation sets.",
    }
    home_duties_heading { lv: "Darbinieka pienākumi", en: "The employee's duties" }
    duty_identity { lv: "pārbaudīt klienta personas identitāti", en: "verify the client's identity" }
    duty_employee_eid {
        lv: "identificēt sevi portālā latvija.lv ar kvalificētu eID līdzekli",
        en: "identify yourself in latvija.lv with a qualified eID means",
    }
    duty_authorisation {
        lv: "informēt klientu par personas datu izmantošanu un saņemt rakstveida pilnvarojumu divos eksemplāros",
        en: "inform the client about personal data use and receive the written authorisation in two copies",
    }
    duty_data_processing {
        lv: "apstrādāt e-pakalpojumam nepieciešamos personas datus",
        en: "process the personal data the e-service needs",
    }
    duty_submission { lv: "pieteikt pilnvaroto e-pakalpojumu", en: "apply for the authorised e-service" }
    duty_planned_time {
        lv: "informēt klientu par plānoto izpildes laiku",
        en: "inform the client of the planned time",
    }
    duty_result {
        lv: "informēt klientu par pakalpojuma rezultātu",
        en: "inform the client of the result",
    }
    error_back_home { lv: "Atgriezties sākumā", en: "Back to the home page" }
    error_request_id { lv: "Pieprasījuma identifikators", en: "Request identifier" }
    error_not_found_title { lv: "Lapa nav atrasta", en: "Page not found" }
    error_not_found_text {
        lv: "Šādas lapas nav vai jums nav piekļuves tai. Pārbaudiet adresi.",
        en: "There is no such page, or you have no access to it. Check the address.",
    }
    error_method_title { lv: "Darbība nav atļauta", en: "Action not allowed" }
    error_method_text {
        lv: "Šo lapu nevar izmantot šādā veidā. Atgriezieties un mēģiniet vēlreiz no formas.",
        en: "This page cannot be used this way. Go back and try again from the form.",
    }
    error_too_large_title { lv: "Pārāk liels pieprasījums", en: "Request too large" }
    error_too_large_text {
        lv: "Nosūtītie dati ir pārāk lieli. Saīsiniet ievadīto tekstu un mēģiniet vēlreiz.",
        en: "The data sent is too large. Shorten what you entered and try again.",
    }
    error_forbidden_title { lv: "Nav atļauts", en: "Not permitted" }
    error_forbidden_text {
        lv: "Jūsu lomai šī darbība nav atļauta.",
        en: "Your role does not permit this action.",
    }
    error_bad_request_title { lv: "Nepareizs pieprasījums", en: "Bad request" }
    error_bad_request_text {
        lv: "Pieprasījumu nevarēja saprast. Atgriezieties un mēģiniet vēlreiz.",
        en: "The request could not be understood. Go back and try again.",
    }
    error_internal_title { lv: "Radās kļūda", en: "Something went wrong" }
    error_internal_text {
        lv: "Sistēmā radās kļūda, un darbība netika pabeigta. Saglabātie dati nav zaudēti. Mēģiniet vēlreiz; ja kļūda atkārtojas, paziņojiet atbalstam pieprasījuma identifikatoru.",
        en: "An error occurred and the action was not completed. Nothing already saved was lost. Try again; if it happens again, give support the request identifier.",
    }
    error_unavailable_title { lv: "Sistēma īslaicīgi nav pieejama", en: "Temporarily unavailable" }
    error_unavailable_text {
        lv: "Datubāze pašlaik neatbild. Saglabātie dati nav zaudēti. Pēc brīža mēģiniet vēlreiz.",
        en: "The database is not answering right now. Nothing already saved was lost. Try again in a moment.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
