//! The e-service catalogue's fixed vocabularies: the personal-data categories an e-service may
//! need (22.¹4, data minimisation). This is the one list of category codes; the database stores
//! the codes, the interface translates them.

// The field limits: the checks and the admin forms' `maxlength` both read these.
pub const CODE_MAX_CHARS: usize = 50;
pub const ESERVICE_TEXT_MAX_CHARS: usize = 300;
pub const EID_MEANS_NAME_MAX_CHARS: usize = 200;
/// Each item of a data-use notice, in each language.
pub const NOTICE_ITEM_MAX_CHARS: usize = 5000;

/// A kind of personal data an e-service needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataCategory {
    Identity,
    Contact,
    Address,
    Family,
    Income,
    BankAccount,
    Education,
    Property,
    /// A special category (GDPR Art. 9).
    Health,
}

impl DataCategory {
    pub const ALL: [DataCategory; 9] = [
        DataCategory::Identity,
        DataCategory::Contact,
        DataCategory::Address,
        DataCategory::Family,
        DataCategory::Income,
        DataCategory::BankAccount,
        DataCategory::Education,
        DataCategory::Property,
        DataCategory::Health,
    ];

    /// The stable code stored in `eservices.data_categories`.
    pub fn code(self) -> &'static str {
        match self {
            DataCategory::Identity => "identity",
            DataCategory::Contact => "contact",
            DataCategory::Address => "address",
            DataCategory::Family => "family",
            DataCategory::Income => "income",
            DataCategory::BankAccount => "bank-account",
            DataCategory::Education => "education",
            DataCategory::Property => "property",
            DataCategory::Health => "health",
        }
    }

    pub fn from_code(code: &str) -> Option<DataCategory> {
        DataCategory::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// A catalogue code (e-service, eID means): 2–50 of `a–z 0–9 -`, starting with a letter or
/// digit, kept in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueCode(String);

impl CatalogueCode {
    pub fn parse(input: &str) -> Option<CatalogueCode> {
        let code = input.trim().to_lowercase();
        let valid_length = (2..=CODE_MAX_CHARS).contains(&code.len());
        let valid_chars = code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let valid_start = code
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        (valid_length && valid_chars && valid_start).then_some(CatalogueCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_codes_round_trip() {
        for category in DataCategory::ALL {
            assert_eq!(DataCategory::from_code(category.code()), Some(category));
        }
        assert_eq!(DataCategory::from_code("shoe-size"), None);
    }

    #[test]
    fn every_category_of_the_seeded_examples_is_known() {
        let migration = include_str!("../../migrations/0004_cases.sql");
        let start = migration.find("INSERT INTO eservices").unwrap();
        let end = migration.find("CREATE TABLE eid_means").unwrap();
        let arrays: Vec<&str> = migration[start..end]
            .split("'{")
            .skip(1)
            .filter_map(|rest| rest.split_once("}'").map(|(array, _)| array))
            .collect();
        assert_eq!(arrays.len(), 4, "the four example e-services");
        for code in arrays.iter().flat_map(|array| array.split(',')) {
            assert!(DataCategory::from_code(code).is_some(), "{code}");
        }
    }

    #[test]
    fn catalogue_codes_are_lower_case_and_plain() {
        assert_eq!(
            CatalogueCode::parse(" Eid-Card ").unwrap().as_str(),
            "eid-card"
        );
        assert!(CatalogueCode::parse("x").is_none());
        assert!(CatalogueCode::parse("-x1").is_none());
        assert!(CatalogueCode::parse("eid card").is_none());
        assert!(CatalogueCode::parse(&"a".repeat(51)).is_none());
    }
}
