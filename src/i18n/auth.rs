//! Strings of signing in, signing out, the account page and the role home pages.

use super::catalogue;

catalogue! {
    /// Signing in and out, password changes, the role home pages.
    Auth {
        sign_in_title { lv: "Pieteikšanās", en: "Sign in" }
        sign_in_intro {
            lv: "Pilnvara ir paredzēta tikai VPVKAC darbiniekiem. Piesakieties ar savu lietotājvārdu un paroli.",
            en: "Pilnvara is for VPVKAC staff only. Sign in with your username and password.",
        }
        oidc_sign_in_button { lv: "Pieteikties ar pašvaldības kontu", en: "Sign in with the municipality's account" }
        oidc_sign_in_at { lv: "Pieteikties ar kontu:", en: "Sign in with your account at" }
        oidc_unknown_provider {
            lv: "Šāds identitātes pakalpojums šeit nav iestatīts. Izvēlieties kādu no piedāvātajiem.",
            en: "No such identity service is set up here. Choose one of those offered.",
        }
        oidc_or_password { lv: "Vai piesakieties ar lietotājvārdu un paroli:", en: "Or sign in with your username and password:" }
        oidc_unreachable {
            lv: "Pašvaldības identitātes pakalpojums pašlaik neatbild. Mēģiniet vēlāk.",
            en: "The municipality's identity service does not answer at the moment. Try again later.",
        }
        oidc_failed {
            lv: "Pieteikšanos ar pašvaldības kontu nevarēja pabeigt. Mēģiniet vēlreiz.",
            en: "Signing in with the municipality's account could not be completed. Try again.",
        }
        oidc_no_account {
            lv: "Šai personai nav aktīva Pilnvaras konta. Ja jums tāds ir, lūdziet administratoru to sasaistīt.",
            en: "There is no active Pilnvara account for this person. If you have one, ask your administrator to link it.",
        }
        password_sign_in_off {
            lv: "Šeit pieteikties ar paroli nevar; piesakieties ar pašvaldības kontu.",
            en: "Signing in with a password is turned off here; sign in with the municipality's account.",
        }
        username { lv: "Lietotājvārds", en: "Username" }
        password { lv: "Parole", en: "Password" }
        sign_in_button { lv: "Pieteikties", en: "Sign in" }
        sign_in_failed {
            lv: "Nepareizs lietotājvārds vai parole, vai konts nav aktīvs.",
            en: "Wrong username or password, or the account is not active.",
        }
        one_time_password_expired {
            lv: "Vienreizējā parole ir derīga 3 dienas, un šīs paroles derīguma termiņš ir beidzies. Lūdziet administratoru izveidot jaunu.",
            en: "A one-time password is valid for 3 days and this one has expired. Ask your administrator for a new one.",
        }
        sign_in_missing {
            lv: "Ievadiet gan lietotājvārdu, gan paroli.",
            en: "Enter both your username and your password.",
        }
        sign_in_wait_one {
            lv: "Pārāk daudz neveiksmīgu mēģinājumu. Nākamo mēģinājumu varēs veikt pēc {n} sekundes.",
            en: "Too many failed attempts. The next attempt is possible in {n} second.",
        }
        sign_in_wait {
            lv: "Pārāk daudz neveiksmīgu mēģinājumu. Nākamo mēģinājumu varēs veikt pēc {n} sekundēm.",
            en: "Too many failed attempts. The next attempt is possible in {n} seconds.",
        }
        sign_in_locked {
            lv: "Pārāk daudz neveiksmīgu mēģinājumu: pieteikšanās ir bloķēta. Sazinieties ar sava centra administratoru.",
            en: "Too many failed attempts: signing in is blocked. Contact your centre's administrator.",
        }
        too_many_requests_title { lv: "Pārāk daudz pieprasījumu", en: "Too many requests" }
        too_many_requests_text {
            lv: "No šī datora ir saņemts pārāk daudz pieteikšanās mēģinājumu. Pagaidiet minūti un mēģiniet vēlreiz.",
            en: "Too many sign-in attempts came from this computer. Wait a minute and try again.",
        }
        session_ended {
            lv: "Jūsu sesija ir beigusies. Piesakieties vēlreiz.",
            en: "Your session has ended. Please sign in again.",
        }
        signed_out { lv: "Sesija ir beigta.", en: "You have signed out." }
        sign_out_button { lv: "Iziet", en: "Sign out" }
        signed_in_as { lv: "Lietotājs", en: "Signed in as" }
        error_summary_title { lv: "Lūdzu, izlabojiet:", en: "Please correct the following:" }
        password_title { lv: "Paroles maiņa", en: "Change password" }
        password_must_change {
            lv: "Pirms darba sākšanas nomainiet vienreizējo paroli pret savu paroli.",
            en: "Before you start, replace the one-time password with a password of your own.",
        }
        password_rules {
            lv: "Parolē jābūt 12 līdz 128 rakstzīmēm. Tā nedrīkst būt viena no bieži lietotām parolēm. Ērta un droša parole ir vairāki vārdi pēc kārtas.",
            en: "The password must have 12 to 128 characters and must not be a commonly used password. Several words in a row make an easy and safe password.",
        }
        current_password { lv: "Pašreizējā parole", en: "Current password" }
        new_password { lv: "Jaunā parole", en: "New password" }
        repeat_password { lv: "Jaunā parole vēlreiz", en: "New password again" }
        change_password_button { lv: "Mainīt paroli", en: "Change password" }
        password_changed {
            lv: "Parole nomainīta. Citas šī konta sesijas ir beigtas.",
            en: "Password changed. Every other session of this account has ended.",
        }
        current_password_wrong { lv: "Pašreizējā parole nav pareiza.", en: "The current password is not correct." }
        password_too_short { lv: "Parolē jābūt vismaz 12 rakstzīmēm.", en: "The password must have at least 12 characters." }
        password_too_long { lv: "Parolē var būt ne vairāk kā 128 rakstzīmes.", en: "The password may have at most 128 characters." }
        password_too_common {
            lv: "Šī parole ir viena no 10 000 visbiežāk lietotajām parolēm. Izvēlieties citu.",
            en: "This password is among the 10,000 most common ones. Choose another.",
        }
        passwords_differ { lv: "Abas jaunās paroles nesakrīt.", en: "The two new passwords do not match." }
        password_unchanged {
            lv: "Jaunajai parolei jāatšķiras no pašreizējās.",
            en: "The new password must differ from the current one.",
        }
        role_employee { lv: "Darbinieks", en: "Employee" }
        role_supervisor { lv: "Vadītājs", en: "Supervisor" }
        role_admin { lv: "Administrators", en: "Administrator" }
        cross_site_refused_title { lv: "Pieprasījums noraidīts", en: "Request refused" }
        cross_site_refused_text {
            lv: "Pieprasījums netika nosūtīts no šīs lietotnes lapas, tāpēc tas netika izpildīts. Atveriet lapu no jauna un mēģiniet vēlreiz.",
            en: "The request did not come from a page of this application, so it was not carried out. Open the page again and try again.",
        }
    }
}
