//! Strings of telling the client by e-mail or SMS (22.¹6, 22.¹7): the choice to send, the
//! message shown before it is sent, its status on the case, the desk's list of clients who could
//! not be informed, and the administrators' template page. `{n}` is replaced by a number.

use super::catalogue;

catalogue! {
    /// Messages to the client.
    Messages {
        send_by_email {
            lv: "Pilnvara tūlīt nosūta ziņu klientam pa e-pastu (uz 22.¹3 norādīto adresi)",
            en: "Pilnvara sends the message to the client now by e-mail (to the address given at 22.¹3)",
        }
        send_by_sms {
            lv: "Pilnvara tūlīt nosūta ziņu klientam ar SMS (uz 22.¹3 norādīto tālruni)",
            en: "Pilnvara sends the message to the client now by SMS (to the phone number given at 22.¹3)",
        }
        send_hint {
            lv: "Tad nav jānorāda, kā un kad klients informēts. Pienākums ir izpildīts, kad ziņu pieņem pasta serveris vai SMS pakalpojums; ja tas neizdodas, gadījums parādīsies sarakstā “piezvaniet klientam”.",
            en: "Then how and when the client was told need not be filled in. The duty is done once the mail relay or SMS provider accepts the message; if that fails, the case appears on the “phone the client” list.",
        }
        message_lang { lv: "Ziņas valoda", en: "Language of the message" }
        lang_lv { lv: "latviešu", en: "Latvian" }
        lang_en { lv: "angļu", en: "English" }
        told_hint_when_sending {
            lv: "Nav jāaizpilda, ja ziņu sūta Pilnvara.",
            en: "Not needed when Pilnvara sends the message.",
        }
        preview_heading { lv: "Ziņa, kas tiks nosūtīta", en: "The message that will be sent" }
        preview_intro {
            lv: "Pārbaudiet ziņu: tā tiks nosūtīta tieši šāda, kad nospiedīsiet “Nosūtīt un ierakstīt”.",
            en: "Check the message: it is sent exactly as shown when you press “Send and record”.",
        }
        preview_to { lv: "Kam", en: "To" }
        preview_subject { lv: "Temats", en: "Subject" }
        preview_text { lv: "Teksts", en: "Text" }
        sms_one_segment { lv: "Garums: viena SMS.", en: "Length: one SMS." }
        sms_segments {
            lv: "Ziņa ir garāka par vienu SMS: tā tiks nosūtīta {n} daļās (katru apmaksā atsevišķi).",
            en: "The message is longer than one SMS: it is sent in {n} segments (each is charged).",
        }
        send_button { lv: "Nosūtīt un ierakstīt", en: "Send and record" }
        no_template {
            lv: "Šim e-pakalpojumam un valodai nav ziņas teksta. Informējiet klientu citādi vai lūdziet administratoru pievienot tekstu.",
            en: "There is no message text for this e-service and language. Tell the client another way, or ask an administrator to add a text.",
        }
        heading { lv: "Ziņas klientam", en: "Messages to the client" }
        col_duty { lv: "Pienākums", en: "Duty" }
        col_channel { lv: "Kanāls", en: "Channel" }
        col_status { lv: "Statuss", en: "Status" }
        col_when { lv: "Kad", en: "When" }
        channel_email { lv: "e-pasts", en: "e-mail" }
        channel_sms { lv: "SMS", en: "SMS" }
        status_queued { lv: "rindā, tiek sūtīta", en: "queued, being sent" }
        status_sent { lv: "nosūtīta (pieņemta)", en: "sent (accepted)" }
        status_delivered { lv: "piegādāta", en: "delivered" }
        status_failed { lv: "neizdevās", en: "failed" }
        attempts { lv: "mēģinājumi: {n}", en: "attempts: {n}" }
        reason_unreachable {
            lv: "pasta serveris vai SMS pakalpojums nebija sasniedzams arī pēc vairākiem mēģinājumiem",
            en: "the mail relay or SMS provider could not be reached, even after several attempts",
        }
        reason_rejected {
            lv: "pasta serveris vai SMS pakalpojums ziņu atteica (nepareiza adrese vai numurs?)",
            en: "the mail relay or SMS provider refused the message (a wrong address or number?)",
        }
        reason_undelivered {
            lv: "ziņu neizdevās piegādāt klienta tālrunim",
            en: "the message could not be delivered to the client's phone",
        }
        reason_outcome_unknown {
            lv: "serveris apstājās sūtīšanas laikā; nav zināms, vai ziņa aizgāja, tāpēc tā netiek sūtīta vēlreiz",
            en: "the server stopped while sending; it is not known whether the message left, so it is not sent again",
        }
        reason_not_configured {
            lv: "ziņu sūtīšana vairs nav iestatīta",
            en: "sending messages is no longer configured",
        }
        could_not_inform {
            lv: "Klientu neizdevās informēt: piezvaniet klientam",
            en: "Could not inform the client: phone them",
        }
        told_instead_heading { lv: "Kā klients tika informēts citādi", en: "How the client was told instead" }
        told_instead_button { lv: "Ierakstīt", en: "Record" }
        told_instead_recorded { lv: "Klients informēts citādi", en: "Client told another way" }
        untold_heading {
            lv: "Klientu neizdevās informēt — piezvaniet",
            en: "Could not inform the client — phone them",
        }
        untold_failed_at { lv: "neizdevās", en: "failed" }
        action_message_queued { lv: "ziņa klientam ielikta sūtīšanas rindā", en: "message to the client queued" }
        action_message_sent { lv: "ziņa klientam nosūtīta (pieņemta)", en: "message to the client sent (accepted)" }
        action_message_delivered { lv: "ziņa klientam piegādāta", en: "message to the client delivered" }
        action_message_failed { lv: "ziņu klientam neizdevās nosūtīt", en: "message to the client failed" }
        action_client_told_instead { lv: "klients informēts citādi", en: "client told another way" }
        reminders_heading {
            lv: "Plānotais laiks pagājis, rezultāts nav ierakstīts",
            en: "Planned time passed, no result recorded",
        }
        reminders_none {
            lv: "Nav gadījumu, kuru plānotais laiks pagājis bez rezultāta.",
            en: "No case has passed its planned time without a result.",
        }
        col_planned_on { lv: "Plānots līdz", en: "Planned by" }
        figures_heading { lv: "Ziņas klientiem", en: "Messages to clients" }
        figures_sent { lv: "nosūtītas", en: "sent" }
        figures_failed { lv: "neizdevās", en: "failed" }
        figures_untold { lv: "vēl jāpiezvana", en: "still to phone" }
        figures_none { lv: "Šajā periodā ziņu nav.", en: "No messages in this period." }
        digest_subject { lv: "Pilnvara: atgādinājums centram", en: "Pilnvara: reminder for the centre" }
        digest_planned {
            lv: "Plānotais laiks pagājis, rezultāts nav ierakstīts: {n}",
            en: "Planned time passed, no result recorded: {n}",
        }
        digest_untold {
            lv: "Klientu neizdevās informēt, jāpiezvana: {n}",
            en: "Could not inform the client, phone them: {n}",
        }
        digest_cases { lv: "Gadījumi:", en: "Cases:" }
        templates_title { lv: "Ziņu teksti", en: "Message texts" }
        templates_intro {
            lv: "Teksti ziņām klientam par plānoto laiku (22.¹6) un rezultātu (22.¹7). Saglabājot rodas jauna versija; nosūtīta versija netiek mainīta. Atļautās vietas: {eservice}, {planned_on}, {result}, {case}, {centre}, {centre_phone}, {centre_email}.",
            en: "The texts of the messages to the client about the planned time (22.¹6) and the result (22.¹7). Saving makes a new version; a version that was sent is never changed. Allowed placeholders: {eservice}, {planned_on}, {result}, {case}, {centre}, {centre_phone}, {centre_email}.",
        }
        templates_all_eservices { lv: "Visiem e-pakalpojumiem (noklusējums)", en: "All e-services (default)" }
        templates_choose { lv: "Kura e-pakalpojuma teksti", en: "Texts of which e-service" }
        template_version { lv: "Versija", en: "Version" }
        template_inherited {
            lv: "Šim e-pakalpojumam nav sava teksta: rādīts noklusējuma teksts. Saglabājot rodas e-pakalpojuma paša teksts.",
            en: "This e-service has no text of its own: the default is shown. Saving makes the e-service's own text.",
        }
        template_save { lv: "Saglabāt jaunu versiju", en: "Save as a new version" }
        template_subject { lv: "Temats (e-pastam)", en: "Subject (for e-mail)" }
        template_body { lv: "Teksts", en: "Text" }
        template_saved { lv: "Teksts saglabāts kā jauna versija.", en: "Text saved as a new version." }
        err_unknown_placeholder {
            lv: "Tekstā ir nezināma vieta figūriekavās. Atļautās: {eservice}, {planned_on}, {result}, {case}, {centre}, {centre_phone}, {centre_email}.",
            en: "The text holds an unknown placeholder in braces. Allowed: {eservice}, {planned_on}, {result}, {case}, {centre}, {centre_phone}, {centre_email}.",
        }
    }
}
