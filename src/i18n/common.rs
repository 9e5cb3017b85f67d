//! Strings of the layout, the home page and the error pages.

use super::catalogue;

catalogue! {
    /// The layout, the home page and the error pages.
    Common {
        product_name { lv: "Pilnvara", en: "Pilnvara" }
        skip_to_content { lv: "Pāriet uz saturu", en: "Skip to content" }
        footer_regulation {
            lv: "Ministru kabineta 2017. gada 4. jūlija noteikumi Nr. 401, 22.¹ punkts",
            en: "Cabinet Regulation No. 401 of 4 July 2017, point 22.¹",
        }
    nav_label { lv: "Galvenā izvēlne", en: "Main menu" }
    nav_cases { lv: "Gadījumi", en: "Cases" }
    nav_new_case { lv: "Jauns gadījums", en: "New case" }
    nav_search { lv: "Meklēt", en: "Search" }
    nav_review { lv: "Pārskatīšana", en: "Review" }
    nav_figures { lv: "Rādītāji", en: "Figures" }
    nav_verify { lv: "Pilnvarojuma pārbaude", en: "Verify an authorisation" }
    nav_centres { lv: "Centri", en: "Centres" }
    nav_staff { lv: "Darbinieki", en: "Staff" }
    nav_eservices { lv: "E-pakalpojumi", en: "E-services" }
    nav_eid_means { lv: "eID līdzekļi", en: "eID means" }
    nav_notices { lv: "Datu paziņojumi", en: "Data notices" }
    nav_message_texts { lv: "Ziņu teksti", en: "Message texts" }
    nav_subject_access { lv: "Datu subjekta pieprasījums", en: "Subject access" }
    nav_account { lv: "Parole", en: "Password" }
    other_language_name { lv: "English", en: "Latviešu" }
        duty_identity { lv: "Klienta identitātes pārbaude", en: "Checking the client's identity" }
        duty_employee_eid {
            lv: "Darbinieka identificēšanās portālā latvija.lv ar kvalificētu eID līdzekli",
            en: "The employee's sign-in to latvija.lv with a qualified eID means",
        }
        duty_authorisation {
            lv: "Informēšana par personas datu izmantošanu un rakstveida pilnvarojums divos eksemplāros",
            en: "The data-use notice and the written authorisation in two copies",
        }
        duty_data_processing {
            lv: "E-pakalpojumam nepieciešamo personas datu apstrāde",
            en: "Processing the personal data the e-service needs",
        }
        duty_submission { lv: "Pilnvarotā e-pakalpojuma pieteikšana", en: "Applying for the authorised e-service" }
        duty_planned_time {
            lv: "Klienta informēšana par plānoto izpildes laiku",
            en: "Telling the client the planned time",
        }
        duty_result {
            lv: "Klienta informēšana par pakalpojuma rezultātu",
            en: "Telling the client the result",
        }

        // Why a duty does not apply, wherever a case's duties are listed.
        not_applicable_no_planned_time {
            lv: "e-pakalpojuma risinājums nepaziņo plānoto izpildes laiku",
            en: "the e-service's solution gives no planned time",
        }
        not_applicable_no_result {
            lv: "e-pakalpojuma risinājums nepaziņo rezultātu",
            en: "the e-service's solution gives no result",
        }
        not_applicable_client_did_not_ask {
            lv: "klients nevēlējās saņemt informāciju par rezultātu",
            en: "the client did not ask to be told the result",
        }

        // The kinds of personal data an e-service needs (22.¹4).
        category_identity { lv: "Identitātes dati", en: "Identity data" }
        category_contact { lv: "Kontaktinformācija", en: "Contact details" }
        category_address { lv: "Adrese", en: "Address" }
        category_family { lv: "Ģimenes dati", en: "Family data" }
        category_income { lv: "Ienākumi", en: "Income" }
        category_bank_account { lv: "Bankas konts", en: "Bank account" }
        category_education { lv: "Izglītība", en: "Education" }
        category_property { lv: "Īpašums", en: "Property" }
        category_health { lv: "Veselības dati (īpašā kategorija)", en: "Health data (special category)" }

        // Why a case was stopped: the stop form, the case, the review and the figures.
        stop_identity_not_verified { lv: "identitāti neizdevās pārbaudīt", en: "the identity could not be verified" }
        stop_document_expired { lv: "dokumenta derīguma termiņš ir beidzies", en: "the document has expired" }
        stop_client_withdrew { lv: "klients atteicās no pieteikšanas", en: "the client withdrew" }
        stop_service_not_authorisable {
            lv: "e-pakalpojumu nevar pieteikt uz pilnvarojuma pamata",
            en: "the e-service cannot be applied for by authorisation",
        }
        stop_portal_refused { lv: "portāls noraidīja pieteikumu", en: "the portal refused the application" }
        stop_portal_unavailable { lv: "portāls nav pieejams", en: "the portal is unavailable" }
        stop_other { lv: "cits iemesls", en: "other reason" }
        error_back_home { lv: "Atgriezties sākumlapā", en: "Back to the home page" }
        error_request_id { lv: "Pieprasījuma identifikators", en: "Request identifier" }
        error_not_found_title { lv: "Lapa nav atrasta", en: "Page not found" }
        error_not_found_text {
            lv: "Šādas lapas nav, vai jums nav tai piekļuves. Pārbaudiet adresi.",
            en: "There is no such page, or you have no access to it. Check the address.",
        }
        error_method_title { lv: "Darbība nav atļauta", en: "Action not allowed" }
        error_method_text {
            lv: "Šo lapu nevar izmantot šādā veidā. Atgriezieties veidlapā un mēģiniet vēlreiz.",
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
            lv: "Pieprasījumu nevarēja apstrādāt. Atgriezieties un mēģiniet vēlreiz.",
            en: "The request could not be understood. Go back and try again.",
        }
        error_internal_title { lv: "Radās kļūda", en: "Something went wrong" }
        error_internal_text {
            lv: "Sistēmā radās kļūda, un darbība netika pabeigta. Saglabātie dati nav zaudēti. Mēģiniet vēlreiz; ja kļūda atkārtojas, paziņojiet atbalsta dienestam pieprasījuma identifikatoru.",
            en: "An error occurred and the action was not completed. Nothing already saved was lost. Try again; if it happens again, give the support team the request identifier.",
        }
        error_unavailable_title { lv: "Sistēma īslaicīgi nav pieejama", en: "Temporarily unavailable" }
        error_unavailable_text {
            lv: "Datubāze pašlaik neatbild. Saglabātie dati nav zaudēti. Pēc brīža mēģiniet vēlreiz.",
            en: "The database is not answering right now. Nothing already saved was lost. Try again in a moment.",
        }
    }
}
