//! Sending e-mail through an SMTP relay (the province's mail server, or a local one the
//! installation runs): a small SMTP client over plain TCP — greeting, EHLO (HELO as a fallback),
//! MAIL FROM, RCPT TO, DATA, QUIT — and the message as RFC 5322 with a UTF-8 subject (RFC 2047)
//! and a base64 body, so Vietnamese passes through any relay. TLS and authentication are the
//! relay's business on the local network (an open relay for this host, or a local MTA): this
//! client speaks to one.

use base64::Engine;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Where and as whom to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// `host:port` of the relay.
    pub relay: String,
    /// The sender's address.
    pub from: String,
    /// The name this host gives in EHLO.
    pub helo: String,
    pub timeout: Duration,
}

impl SmtpConfig {
    /// From `smtp://host[:port]` (port 25 by default) and the sender's address.
    pub fn parse(url: &str, from: &str) -> Result<SmtpConfig, String> {
        let rest = url
            .strip_prefix("smtp://")
            .ok_or_else(|| format!("địa chỉ máy chủ thư «{url}» phải có dạng smtp://máy[:cổng]"))?;
        let relay = if rest.contains(':') {
            rest.trim_end_matches('/').to_owned()
        } else {
            format!("{}:25", rest.trim_end_matches('/'))
        };
        if !from.contains('@') {
            return Err(format!("địa chỉ người gửi «{from}» không hợp lệ"));
        }
        Ok(SmtpConfig {
            relay,
            from: from.to_owned(),
            helo: "kiemdiem".to_owned(),
            timeout: Duration::from_secs(30),
        })
    }
}

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// The message as it goes over DATA (dot-stuffing is not needed: the body is base64).
fn rfc5322(config: &SmtpConfig, mail: &Mail, id: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let body = b64.encode(mail.body.as_bytes());
    let mut wrapped = String::new();
    for chunk in body.as_bytes().chunks(76) {
        wrapped.push_str(&String::from_utf8_lossy(chunk));
        wrapped.push_str("\r\n");
    }
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: =?UTF-8?B?{subject}?=\r\nMessage-ID: <{id}@kiemdiem>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{wrapped}.\r\n",
        from = config.from,
        to = mail.to,
        subject = b64.encode(mail.subject.as_bytes()),
    )
}

/// Sends one message; the error says what the relay answered.
pub async fn send(config: &SmtpConfig, mail: &Mail, id: &str) -> Result<(), String> {
    tokio::time::timeout(config.timeout, send_inner(config, mail, id))
        .await
        .map_err(|_| format!("máy chủ thư {} không trả lời kịp", config.relay))?
}

async fn send_inner(config: &SmtpConfig, mail: &Mail, id: &str) -> Result<(), String> {
    let stream = TcpStream::connect(&config.relay)
        .await
        .map_err(|e| format!("không kết nối được máy chủ thư {}: {e}", config.relay))?;
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    // The last line of a reply (multi-line replies continue with "250-").
    async fn reply(
        lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    ) -> Result<(u16, String), String> {
        let mut text = String::new();
        loop {
            let mut line = String::new();
            let n = lines
                .read_line(&mut line)
                .await
                .map_err(|e| format!("máy chủ thư ngắt kết nối: {e}"))?;
            if n == 0 {
                return Err("máy chủ thư ngắt kết nối".into());
            }
            text.push_str(line.trim_end());
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                let code = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
                return Ok((code, text));
            }
            text.push(' ');
        }
    }
    async fn expect(
        lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
        ok: &[u16],
        step: &str,
    ) -> Result<u16, String> {
        let (code, text) = reply(lines).await?;
        if ok.contains(&code) {
            Ok(code)
        } else {
            Err(format!("máy chủ thư từ chối ({step}): {text}"))
        }
    }
    let say = async |write: &mut tokio::net::tcp::OwnedWriteHalf, line: String| {
        write
            .write_all(line.as_bytes())
            .await
            .map_err(|e| format!("không gửi được tới máy chủ thư: {e}"))
    };
    expect(&mut lines, &[220], "chào").await?;
    say(&mut write, format!("EHLO {}\r\n", config.helo)).await?;
    if reply(&mut lines).await?.0 != 250 {
        say(&mut write, format!("HELO {}\r\n", config.helo)).await?;
        expect(&mut lines, &[250], "HELO").await?;
    }
    say(&mut write, format!("MAIL FROM:<{}>\r\n", config.from)).await?;
    expect(&mut lines, &[250], "người gửi").await?;
    say(&mut write, format!("RCPT TO:<{}>\r\n", mail.to)).await?;
    expect(&mut lines, &[250, 251], "người nhận").await?;
    say(&mut write, "DATA\r\n".to_owned()).await?;
    expect(&mut lines, &[354], "DATA").await?;
    say(&mut write, rfc5322(config, mail, id)).await?;
    expect(&mut lines, &[250], "nội dung thư").await?;
    say(&mut write, "QUIT\r\n".to_owned()).await?;
    let _ = reply(&mut lines).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relay_url_and_the_message() {
        let config = SmtpConfig::parse("smtp://127.0.0.1", "kiemdiem@tinhuy.vn").unwrap();
        assert_eq!(config.relay, "127.0.0.1:25");
        assert!(SmtpConfig::parse("http://x", "a@b").is_err());
        let text = rfc5322(
            &config,
            &Mail {
                to: "an@xa.vn".into(),
                subject: "Kết quả xếp loại".into(),
                body: "Đồng chí được xếp loại Hoàn thành tốt nhiệm vụ".into(),
            },
            "1",
        );
        assert!(text.contains("Subject: =?UTF-8?B?"));
        assert!(text.ends_with("\r\n.\r\n"));
        assert!(text.is_ascii(), "a message any relay passes");
    }
}
