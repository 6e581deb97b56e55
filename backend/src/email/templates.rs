//! Email templates in plain text and HTML. Links are always built from `APP_BASE_URL`.
//!
//! Emails that carry a one-time link (verification, password reset) are rendered and stored with
//! [`ONE_TIME_LINK`] in its place; the delivery job issues the token and puts the real link in only
//! the message it hands to the mailer, so no usable token ever rests in the `emails` table, a backup
//! or an export.

/// Stands in for a one-time link in stored bodies; replaced by the real link at send time.
pub const ONE_TIME_LINK: &str = "[one-time link: in the delivered email only, never stored]";

pub struct Rendered {
    pub template: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Wraps paragraphs (and an optional call-to-action link) in a small, mail-client-safe HTML layout.
fn layout(title: &str, paragraphs: &[String], action: Option<(&str, &str)>) -> String {
    let mut body = String::new();
    for p in paragraphs {
        body.push_str(&format!(
            "<p style=\"margin:0 0 16px;line-height:1.5\">{}</p>",
            escape(p)
        ));
    }
    if let Some((label, url)) = action {
        body.push_str(&format!(
            "<p style=\"margin:24px 0\"><a href=\"{u}\" style=\"background:#4338ca;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600\">{l}</a></p>\
             <p style=\"margin:0 0 16px;font-size:13px;color:#555\">If the button does not work, paste this link into your browser:<br>{u}</p>",
            u = escape(url),
            l = escape(label)
        ));
    }
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body style=\"font-family:-apple-system,Segoe UI,Roboto,sans-serif;color:#111;background:#f6f6f8;padding:24px\">\
         <div style=\"max-width:560px;margin:auto;background:#fff;border-radius:8px;padding:32px\">\
         <h1 style=\"font-size:20px;margin:0 0 20px\">{t}</h1>{body}\
         <p style=\"margin:32px 0 0;font-size:12px;color:#777\">InterviewOS · You received this because of activity on your account.</p>\
         </div></body></html>",
        t = escape(title)
    )
}

fn text(paragraphs: &[String], action: Option<(&str, &str)>) -> String {
    let mut out = paragraphs.join("\n\n");
    if let Some((label, url)) = action {
        out.push_str(&format!("\n\n{label}: {url}"));
    }
    out.push_str("\n\n— InterviewOS\n");
    out
}

fn render(
    template: &'static str,
    subject: &str,
    paragraphs: Vec<String>,
    action: Option<(&str, &str)>,
) -> Rendered {
    Rendered {
        template,
        subject: subject.to_owned(),
        text: text(&paragraphs, action),
        html: layout(subject, &paragraphs, action),
    }
}

pub fn verify_email() -> Rendered {
    render(
        "verify_email",
        "Confirm your email for InterviewOS",
        vec![
            "Welcome to InterviewOS! Confirm your email address to finish setting up your account."
                .into(),
            "This link expires in 24 hours. If you did not sign up, you can ignore this message."
                .into(),
        ],
        Some(("Confirm email", ONE_TIME_LINK)),
    )
}

pub fn password_reset() -> Rendered {
    render(
        "password_reset",
        "Reset your InterviewOS password",
        vec![
            "Someone asked to reset the password for your InterviewOS account.".into(),
            "The link works once and expires in 1 hour. If it wasn't you, ignore this email: your password stays the same.".into(),
        ],
        Some(("Choose a new password", ONE_TIME_LINK)),
    )
}

pub fn password_changed(link: &str) -> Rendered {
    render(
        "password_changed",
        "Your InterviewOS password was changed",
        vec![
            "The password for your InterviewOS account was just changed, and your other sessions were signed out.".into(),
            "If this wasn't you, reset your password now and review your recent sign-in activity.".into(),
        ],
        Some(("Reset password", link)),
    )
}

pub fn account_deleted(grace_days: u32) -> Rendered {
    render(
        "account_deleted",
        "Your InterviewOS account has been deleted",
        vec![
            "Your InterviewOS account was deleted and every session was signed out.".into(),
            format!(
                "Your answers, evaluations and other personal data will be permanently erased within {grace_days} days. Billing records we must keep by law are anonymised."
            ),
            "If you didn't request this, reply to this email straight away.".into(),
        ],
        None,
    )
}

pub fn payment_failed(link: &str) -> Rendered {
    render(
        "payment_failed",
        "Your InterviewOS payment failed",
        vec![
            "We couldn't take the latest payment for your InterviewOS Pro plan.".into(),
            "You keep Pro access for a short grace period. Update your payment method to avoid losing it.".into(),
        ],
        Some(("Update payment method", link)),
    )
}

pub fn subscription_ended(link: &str) -> Rendered {
    render(
        "subscription_ended",
        "Your InterviewOS Pro plan has ended",
        vec![
            "Your Pro subscription has ended and your account is now on the Free plan. Your history is kept.".into(),
            "You can upgrade again at any time.".into(),
        ],
        Some(("See plans", link)),
    )
}

/// Puts a one-time link into stored bodies for the message being sent (never written back).
pub fn with_link(text: &str, html: &str, link: &str) -> (String, String) {
    (
        text.replace(ONE_TIME_LINK, link),
        html.replace(&escape(ONE_TIME_LINK), &escape(link)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_appear_in_both_parts_and_html_is_escaped() {
        let r = password_changed("http://localhost:8080/forgot-password?a=1&b=2");
        assert!(
            r.text
                .contains("http://localhost:8080/forgot-password?a=1&b=2")
        );
        assert!(r.html.contains("a=1&amp;b=2"));
        assert_eq!(r.template, "password_changed");
    }

    #[test]
    fn one_time_links_are_placeholders_until_sent() {
        for r in [verify_email(), password_reset()] {
            assert!(r.text.contains(ONE_TIME_LINK), "{}", r.template);
            assert!(r.html.contains(&escape(ONE_TIME_LINK)), "{}", r.template);
            assert!(!r.text.contains("token="), "{}", r.template);
            let (text, html) = with_link(&r.text, &r.html, "https://x.test/reset#token=a&b");
            assert!(text.contains("https://x.test/reset#token=a&b"));
            assert!(html.contains("token=a&amp;b"));
            assert!(!text.contains(ONE_TIME_LINK) && !html.contains(&escape(ONE_TIME_LINK)));
        }
    }
}
