//! Strings of the administrator's pages: centres, staff, the e-service catalogue, eID means
//! and the data-use notice versions.

use super::catalogue;

catalogue! {
    /// The administrator's pages.
    Admin {
        yes { lv: "Jā", en: "Yes" }
        no { lv: "Nē", en: "No" }
        status { lv: "Statuss", en: "Status" }
        active { lv: "Aktīvs", en: "Active" }
        inactive { lv: "Neaktīvs", en: "Inactive" }
        save { lv: "Saglabāt", en: "Save" }
        add { lv: "Pievienot", en: "Add" }
        required { lv: "Aizpildiet šo lauku.", en: "Fill in this field." }
        too_long { lv: "Teksts ir pārāk garš.", en: "The text is too long." }
        name_invalid { lv: "Ievadiet nosaukumu vai vārdu (1–200 rakstzīmes, bez neredzamām vadības rakstzīmēm).", en: "Enter a name (1–200 characters, with no invisible control characters)." }
        date_invalid { lv: "Ievadiet derīgu datumu (gggg-mm-dd).", en: "Enter a valid date (yyyy-mm-dd)." }
        done_added { lv: "Pievienots.", en: "Added." }
        done_saved { lv: "Izmaiņas saglabātas.", en: "Changes saved." }
        done_disabled { lv: "Konts atspējots; tā sesijas ir beigtas.", en: "Account disabled; its sessions have ended." }
        done_enabled { lv: "Konts atkal aktīvs.", en: "Account active again." }
        done_unlocked { lv: "Pieteikšanās bloķējums noņemts.", en: "Sign-in lock lifted." }
        done_sessions_ended { lv: "Visas šī konta sesijas ir beigtas.", en: "Every session of this account has ended." }

        centres_title { lv: "Centri", en: "Centres" }
        centre_new { lv: "Jauns centrs", en: "New centre" }
        centre_edit { lv: "Centrs", en: "Centre" }
        back_to_centres { lv: "← Visi centri", en: "← All centres" }
        centre_code { lv: "Kods", en: "Code" }
        centre_code_hint { lv: "2–20 lielie burti A–Z, cipari vai defises, piemēram, RIX-1.", en: "2–20 capital letters A–Z, digits or hyphens, for example RIX-1." }
        centre_code_invalid { lv: "Kodā jābūt 2–20 burtiem A–Z, cipariem vai defisēm.", en: "The code must have 2–20 letters A–Z, digits or hyphens." }
        centre_code_taken { lv: "Centrs ar šādu kodu jau ir.", en: "A centre with this code already exists." }
        centre_name { lv: "Nosaukums", en: "Name" }
        municipality { lv: "Pašvaldība", en: "Municipality" }
        contact_place { lv: "Vieta dokumentos", en: "Place on documents" }
        contact_place_hint {
            lv: "Apdzīvotā vieta, kur klients paraksta pilnvarojumu, piemēram, „Ādaži”. Ja atstāj tukšu, tiek rakstīts pašvaldības nosaukums.",
            en: "The town or village where the client signs the authorisation, such as “Ādaži”. If left empty, the municipality's name is printed.",
        }
        contact_address { lv: "Adrese", en: "Address" }
        contact_phone { lv: "Tālrunis", en: "Phone" }
        contact_email { lv: "E-pasts", en: "E-mail" }
        contact_opening_hours { lv: "Darba laiks", en: "Opening hours" }
        contact_dpo { lv: "Pašvaldības datu aizsardzības speciālists", en: "The municipality's data protection officer" }
        contact_dpo_hint {
            lv: "Kā sazināties ar datu aizsardzības speciālistu (e-pasts vai tālrunis); drukāts paziņojumā par personas datu izmantošanu.",
            en: "How to reach the data protection officer (e-mail or phone); printed on the notice on the use of personal data.",
        }
        contact_invalid { lv: "Ne vairāk kā 300 rakstzīmes, bez neredzamām vadības rakstzīmēm.", en: "At most 300 characters, with no invisible control characters." }
        contact_phone_invalid { lv: "Tas nav derīgs tālruņa numurs (8 cipari vai starptautisks numurs ar +).", en: "That is not a valid phone number (8 digits, or an international number with +)." }
        contact_email_invalid { lv: "Tā nav derīga e-pasta adrese.", en: "That is not a valid e-mail address." }
        municipality_invalid { lv: "Pašvaldības nosaukumā var būt ne vairāk kā 200 rakstzīmes, un tajā nedrīkst būt neredzamu vadības rakstzīmju.", en: "The municipality's name may have at most 200 characters and no invisible control characters." }
        centre_kind { lv: "Centra nozīme", en: "Significance" }
        centre_kind_invalid { lv: "Izvēlieties centra nozīmi.", en: "Choose the centre's significance." }
        kind_national { lv: "Valsts nozīmes", en: "National significance" }
        kind_regional { lv: "Reģionālas nozīmes", en: "Regional significance" }
        kind_local { lv: "Novada nozīmes", en: "Local (novada) significance" }
        retention_years { lv: "Pilnvarojuma 1. eksemplāra glabāšanas termiņš (gadi)", en: "Retention of copy 1 of the authorisation (years)" }
        retention_years_short { lv: "Glabāšana (gadi)", en: "Retention (years)" }
        retention_hint {
            lv: "Termiņu nosaka pašvaldības dokumentu klasifikācijas shēma, kas saskaņota ar Latvijas Nacionālo arhīvu. Ievadiet tajā noteikto gadu skaitu (1–100).",
            en: "The period comes from the municipality's document classification scheme agreed with the National Archives of Latvia. Enter the number of years it sets (1–100).",
        }
        retention_invalid { lv: "Ievadiet veselu gadu skaitu no 1 līdz 100.", en: "Enter a whole number of years from 1 to 100." }
        centre_active { lv: "Centrs darbojas", en: "The centre is active" }

        staff_title { lv: "Darbinieki", en: "Staff" }
        staff_new { lv: "Jauns konts", en: "New account" }
        staff_edit { lv: "Darbinieka konts", en: "Staff account" }
        staff_add_button { lv: "Izveidot kontu", en: "Create account" }
        back_to_staff { lv: "← Visi darbinieki", en: "← All staff" }
        full_name { lv: "Vārds, uzvārds", en: "Full name" }
        username_hint { lv: "2–50 mazie burti a–z, cipari, punkti, pasvītras vai defises.", en: "2–50 lower-case letters a–z, digits, dots, underscores or hyphens." }
        username_invalid { lv: "Lietotājvārdā jābūt 2–50 mazajiem burtiem a–z, cipariem, punktiem, pasvītrām vai defisēm.", en: "The username must have 2–50 lower-case letters a–z, digits, dots, underscores or hyphens." }
        username_taken { lv: "Šis lietotājvārds jau ir aizņemts.", en: "This username is taken." }
        role { lv: "Lomas", en: "Roles" }
        roles_hint {
            lv: "Mazā centrā viens cilvēks var būt gan darbinieks, gan vadītājs; savu gadījumu vadītājs nepārskata.",
            en: "At a small centre one person may be both employee and supervisor; a supervisor never reviews their own case.",
        }
        role_invalid { lv: "Izvēlieties vismaz vienu lomu.", en: "Choose at least one role." }
        home_centre { lv: "Centrs", en: "Centre" }
        home_centre_invalid { lv: "Izvēlieties vienu no saviem centriem.", en: "Choose one of your centres." }
        supervises { lv: "Uzrauga centrus", en: "Supervises centres" }
        supervises_hint {
            lv: "Vadītājam: centri, kuru gadījumi jāpārskata. Administratoram: pārvaldāmie centri. Darbiniekam neatzīmējiet.",
            en: "For a supervisor: the centres whose cases they review. For an administrator: the centres they manage. Leave empty for an employee.",
        }
        supervises_invalid { lv: "Izvēlieties tikai savus centrus.", en: "Choose only your own centres." }
        supervises_employee { lv: "Darbinieks neuzrauga centrus: mainiet lomu vai noņemiet atzīmes.", en: "An employee supervises no centres: change the role or clear the boxes." }
        locked { lv: "Bloķēts", en: "Locked" }
        must_change { lv: "Jāmaina parole", en: "Must change password" }
        account_actions { lv: "Darbības ar kontu", en: "Account actions" }
        actions_hint {
            lv: "Atspējošana un paroles atiestatīšana uzreiz beidz visas konta sesijas.",
            en: "Disabling and resetting the password end every session of the account at once.",
        }
        disable { lv: "Atspējot kontu", en: "Disable account" }
        enable { lv: "Aktivizēt kontu", en: "Enable account" }
        reset_password { lv: "Izveidot jaunu vienreizējo paroli", en: "Create a new one-time password" }
        unlock { lv: "Noņemt pieteikšanās bloķējumu", en: "Lift the sign-in lock" }
        end_sessions { lv: "Beigt visas sesijas", en: "End every session" }
        own_account_note {
            lv: "Šis ir jūsu konts: savu paroli mainiet lapā „Parole”; savu kontu atspējot nevar.",
            en: "This is your own account: change your password on the “Password” page; you cannot disable yourself.",
        }
        own_admin_role { lv: "Savu administratora lomu noņemt nevar: to var izdarīt cits administrators.", en: "You cannot remove your own administrator role: another administrator can." }
        own_disable { lv: "Savu kontu atspējot nevar: to var izdarīt cits administrators.", en: "You cannot disable your own account: another administrator can." }
        own_reset { lv: "Savu paroli mainiet lapā „Parole”.", en: "Change your own password on the “Password” page." }
        staff_created { lv: "Konts izveidots", en: "Account created" }
        password_reset_done { lv: "Jauna vienreizējā parole", en: "New one-time password" }
        one_time_password { lv: "Vienreizējā parole", en: "One-time password" }
        one_time_password_once {
            lv: "Nododiet paroli darbiniekam personīgi. Tā redzama tikai šoreiz un netiek saglabāta atklātā veidā; pirmajā pieteikšanās reizē darbinieks to nomainīs pret savu.",
            en: "Hand the password to the staff member in person. It is shown only this once and is not stored in clear; at first sign-in they replace it with their own.",
        }
        to_account { lv: "Uz kontu", en: "To the account" }

        eservices_title { lv: "E-pakalpojumu katalogs", en: "E-service catalogue" }
        eservices_intro {
            lv: "E-pakalpojumi, kurus centrs var pieteikt klienta vārdā. Ar „piemērs” atzīmētie ieraksti ir paredzēti demonstrācijai un nav oficiāls saraksts.",
            en: "The e-services a centre may apply for on a client's behalf. Entries marked “example” are for demonstration, not an official list.",
        }
        eservice_new { lv: "Jauns e-pakalpojums", en: "New e-service" }
        eservice_edit { lv: "E-pakalpojums", en: "E-service" }
        back_to_eservices { lv: "← Viss katalogs", en: "← The whole catalogue" }
        eservice_name { lv: "Nosaukums", en: "Name" }
        example { lv: "piemērs", en: "example" }
        example_note {
            lv: "Šis ir demonstrācijas piemērs, nevis oficiāls e-pakalpojuma apraksts. Pirms lietošanas pārbaudiet to portālā latvija.lv.",
            en: "This is a demonstration example, not an official description of the e-service. Check it in latvija.lv before use.",
        }
        catalogue_code { lv: "Kods", en: "Code" }
        catalogue_code_hint { lv: "2–50 mazie burti a–z, cipari vai defises; vēlāk kodu nemaina.", en: "2–50 lower-case letters a–z, digits or hyphens; the code is not changed later." }
        catalogue_code_invalid { lv: "Kodā jābūt 2–50 mazajiem burtiem a–z, cipariem vai defisēm.", en: "The code must have 2–50 lower-case letters a–z, digits or hyphens." }
        catalogue_code_taken { lv: "Ieraksts ar šādu kodu jau ir.", en: "An entry with this code already exists." }
        name_lv { lv: "Nosaukums latviski", en: "Name in Latvian" }
        name_en { lv: "Nosaukums angliski", en: "Name in English" }
        institution { lv: "Iestāde", en: "Institution" }
        capabilities { lv: "Ko nodrošina portāls", en: "What the portal provides" }
        authorised_submission { lv: "Atļauj pilnvarotu pieteikšanu", en: "Permits authorised submission" }
        authorised_submission_short { lv: "Pilnvarota pieteikšana", en: "Authorised submission" }
        gives_planned_time { lv: "Paziņo plānoto izpildes laiku (22.¹6)", en: "Gives a planned time (22.¹6)" }
        gives_planned_time_short { lv: "Plānotais laiks", en: "Planned time" }
        gives_result { lv: "Paziņo rezultātu (22.¹7)", en: "Gives a result (22.¹7)" }
        gives_result_short { lv: "Rezultāts", en: "Result" }
        data_categories { lv: "Nepieciešamās personas datu kategorijas", en: "Personal-data categories needed" }
        data_categories_hint {
            lv: "Tikai tās, kas šim e-pakalpojumam tiešām vajadzīgas (22.¹4, datu minimizēšana).",
            en: "Only those this e-service really needs (22.¹4, data minimisation).",
        }
        category_unknown { lv: "Izvēlieties kategorijas no saraksta.", en: "Choose categories from the list." }
        eservice_active { lv: "Piedāvāt centros", en: "Offer at the centres" }

        eid_means_title { lv: "Kvalificētie eID līdzekļi", en: "Qualified eID means" }
        eid_means_intro {
            lv: "Līdzekļi, ar kuriem darbinieks identificējas portālā latvija.lv (22.¹2). Darbiniekam piedāvā tikai aktīvos.",
            en: "The means with which an employee identifies themselves in latvija.lv (22.¹2). Only active ones are offered to employees.",
        }
        eid_means_new { lv: "Jauns eID līdzeklis", en: "New eID means" }
        eid_means_edit { lv: "eID līdzeklis", en: "eID means" }
        back_to_eid_means { lv: "← Visi eID līdzekļi", en: "← All eID means" }
        eid_means_active { lv: "Piedāvāt darbiniekiem", en: "Offer to employees" }
        person_links { lv: "Sasaiste ar personu", en: "Link to a person" }
        person_links_hint {
            lv: "Personas kods vai identitātes pakalpojuma sniedzēja identifikators (subject). Tiek glabāta tikai tā atslēgota jaucējvērtība; ievadītais netiek rādīts vēlreiz.",
            en: "A personal code or the provider's subject. Only its keyed hash is kept; what you type is not shown again.",
        }
        person_identifier { lv: "Personas kods vai identifikators", en: "Personal code or subject" }
        person_link_for { lv: "Kam", en: "For" }
        person_for_eid { lv: "kvalificētais eID (22.¹2)", en: "qualified eID (22.¹2)" }
        person_for_sign_in { lv: "pieteikšanās ar pašvaldības kontu", en: "signing in with the municipality's account" }
        person_for_sign_in_at { lv: "pieteikšanās ar kontu:", en: "signing in with the account at" }
        person_link { lv: "Sasaistīt", en: "Link" }
        person_linked_eid { lv: "Kvalificētajam eID (22.¹2)", en: "For the qualified eID (22.¹2)" }
        person_linked_sign_in { lv: "Pieteikšanās ar pašvaldības kontu", en: "Signing in with the municipality's account" }
        person_linked_sign_in_at { lv: "Pieteikšanās ar kontu:", en: "Signing in with the account at" }
        person_linked { lv: "sasaistīts ar personu", en: "linked to a person" }
        person_not_linked { lv: "nav sasaistīts", en: "not linked" }
        person_unlink { lv: "Atsaistīt", en: "Unlink" }
        person_invalid { lv: "Ievadiet personas kodu vai identifikatoru (1–255 rakstzīmes).", en: "Enter a personal code or subject (1–255 characters)." }
        person_taken { lv: "Ar šo personu jau ir sasaistīts cits konts.", en: "Another account is linked to this person." }
        done_linked { lv: "Konts sasaistīts ar personu.", en: "The account is linked to the person." }
        done_unlinked { lv: "Sasaiste noņemta.", en: "The link is removed." }
        eid_means_amr { lv: "Nosaukums eID pakalpojuma sniedzējam (amr)", en: "Name at the eID provider (amr)" }
        eid_means_amr_hint {
            lv: "Vērtība, ar kuru kvalificētais eID pakalpojuma sniedzējs nosauc šo līdzekli. Tukšs: apstiprinājums ar eID šo līdzekli nepieņem.",
            en: "The value the qualified eID provider names this means by. Empty: Confirm with eID does not accept this means.",
        }
        eid_means_amr_invalid { lv: "Līdz 100 rakstzīmēm bez atstarpēm.", en: "Up to 100 characters without spaces." }
        eid_means_amr_taken { lv: "Citam līdzeklim jau ir šī vērtība.", en: "Another means has this value already." }

        notices_title { lv: "Paziņojums par personas datu izmantošanu", en: "Data-use notice" }
        notices_intro {
            lv: "Paziņojuma versijas: paziņojumu darbinieks izklāsta klientam pirms pilnvarojuma parakstīšanas (22.¹3; VDAR 13. pants). Versiju, kas jau parādīta klientam, vairs nelabo: katra izmaiņa ir jauna versija.",
            en: "Versions of the notice the employee presents to the client before the authorisation (22.¹3; GDPR Art. 13). A version already shown to a client is never edited: a change is a new version.",
        }
        notice_new { lv: "Jauna versija", en: "New version" }
        notice_new_intro { lv: "Teksts ir aizpildīts no pēdējās versijas.", en: "The text is filled in from the latest version." }
        back_to_notices { lv: "← Visas versijas", en: "← All versions" }
        notice_version { lv: "Versija", en: "Version" }
        effective_from { lv: "Spēkā no", en: "Effective from" }
        effective_from_hint { lv: "Datums formātā gggg-mm-dd.", en: "A date as yyyy-mm-dd." }
        notice_shown { lv: "Parādīta klientiem", en: "Shown to clients" }
        notice_shown_since { lv: "Parādīta klientam kopš", en: "Shown to a client since" }
        notice_not_shown { lv: "vēl nav", en: "not yet" }
        notice_cannot_edit {
            lv: "Šo versiju vairs nevar labot. Lai ko mainītu, izveidojiet jaunu versiju.",
            en: "This version can no longer be edited. To change anything, add a new version.",
        }
        in_latvian { lv: "Latviski", en: "In Latvian" }
        in_english { lv: "Angliski", en: "In English" }
        notice_controller { lv: "Pārzinis", en: "Controller" }
        notice_controller_hint { lv: "Kas ir pārzinis un kā sazināties ar to un tā datu aizsardzības speciālistu.", en: "Who the controller is and how to reach it and its data protection officer." }
        notice_purposes { lv: "Nolūki un tiesiskais pamats", en: "Purposes and legal basis" }
        notice_purposes_hint {
            lv: "Pamats ir uzdevums sabiedrības interesēs (VDAR 6. panta 1. punkta e) apakšpunkts), nevis piekrišana: pilnvarojums ir pilnvarojums rīkoties klienta vārdā, nevis piekrišana datu apstrādei.",
            en: "The basis is a task in the public interest (GDPR Art. 6(1)(e)), not consent: the authorisation is a mandate, not consent.",
        }
        notice_recipients { lv: "Saņēmēji", en: "Recipients" }
        notice_recipients_hint { lv: "Kam dati tiek nodoti.", en: "Who the data are disclosed to." }
        notice_retention { lv: "Glabāšanas laiks", en: "Retention" }
        notice_retention_hint { lv: "Cik ilgi dati tiek glabāti vai kā šo laiku nosaka.", en: "How long the data are kept, or how that period is set." }
        notice_rights { lv: "Datu subjekta tiesības", en: "The data subject's rights" }
        notice_rights_hint { lv: "Piekļuve, labošana, ierobežošana, iebildumi.", en: "Access, rectification, restriction, objection." }
        notice_complaint { lv: "Sūdzība Datu valsts inspekcijai", en: "Complaint to the Data State Inspectorate" }
        notice_complaint_hint { lv: "Tiesības iesniegt sūdzību Datu valsts inspekcijai un tās kontaktinformācija.", en: "The right to complain to the Data State Inspectorate, and its contact details." }
    }
}
