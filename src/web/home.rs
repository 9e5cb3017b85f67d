//! The home page.

use askama::Template;
use askama_web::WebTemplate;

use super::page::Page;

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    page: Page,
}

pub async fn show(page: Page) -> HomePage {
    HomePage { page }
}
