//! Which audio formats are accepted, recognised by their leading bytes (the declared content type is
//! only a hint: browsers and tools label the same file differently).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioFormat {
    Webm,
    Ogg,
    Mp3,
    Wav,
    M4a,
}

/// Declared part content types that may hold an accepted recording.
const DECLARED: &[&str] = &[
    "audio/webm",
    "video/webm",
    "audio/ogg",
    "application/ogg",
    "audio/opus",
    "audio/mpeg",
    "audio/mp3",
    "audio/wav",
    "audio/x-wav",
    "audio/wave",
    "audio/vnd.wave",
    "audio/mp4",
    "audio/m4a",
    "audio/x-m4a",
    "video/mp4",
    "application/octet-stream",
];

/// Bytes [`AudioFormat::sniff`] needs.
pub const SNIFF_LEN: usize = 12;

impl AudioFormat {
    /// Recognises the container from the file's first bytes.
    pub fn sniff(head: &[u8]) -> Option<Self> {
        match head {
            [0x1A, 0x45, 0xDF, 0xA3, ..] => Some(Self::Webm),
            [b'O', b'g', b'g', b'S', ..] => Some(Self::Ogg),
            [
                b'R',
                b'I',
                b'F',
                b'F',
                _,
                _,
                _,
                _,
                b'W',
                b'A',
                b'V',
                b'E',
                ..,
            ] => Some(Self::Wav),
            [_, _, _, _, b'f', b't', b'y', b'p', ..] => Some(Self::M4a),
            [b'I', b'D', b'3', ..] => Some(Self::Mp3),
            [0xFF, b, ..] if b & 0xE0 == 0xE0 => Some(Self::Mp3),
            _ => None,
        }
    }

    /// Whether a declared part content type (parameters ignored) can be an accepted recording; a
    /// missing one is accepted and decided by the bytes.
    pub fn declared_ok(content_type: Option<&str>) -> bool {
        content_type.is_none_or(|ct| {
            let essence = ct
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            DECLARED.contains(&essence.as_str())
        })
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Webm => "audio/webm",
            Self::Ogg => "audio/ogg",
            Self::Mp3 => "audio/mpeg",
            Self::Wav => "audio/wav",
            Self::M4a => "audio/mp4",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Webm => "webm",
            Self::Ogg => "ogg",
            Self::Mp3 => "mp3",
            Self::Wav => "wav",
            Self::M4a => "m4a",
        }
    }

    pub fn from_extension(ext: &str) -> Option<Self> {
        [Self::Webm, Self::Ogg, Self::Mp3, Self::Wav, Self::M4a]
            .into_iter()
            .find(|f| f.extension() == ext)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_each_container() {
        assert_eq!(
            AudioFormat::sniff(&[0x1A, 0x45, 0xDF, 0xA3, 1, 2]),
            Some(AudioFormat::Webm)
        );
        assert_eq!(
            AudioFormat::sniff(b"OggS\0\x02rest"),
            Some(AudioFormat::Ogg)
        );
        assert_eq!(
            AudioFormat::sniff(b"RIFF\x24\0\0\0WAVEfmt "),
            Some(AudioFormat::Wav)
        );
        assert_eq!(
            AudioFormat::sniff(b"\0\0\0\x20ftypM4A "),
            Some(AudioFormat::M4a)
        );
        assert_eq!(AudioFormat::sniff(b"ID3\x04\0\0"), Some(AudioFormat::Mp3));
        assert_eq!(
            AudioFormat::sniff(&[0xFF, 0xFB, 0x90, 0x00]),
            Some(AudioFormat::Mp3)
        );
    }

    #[test]
    fn refuses_other_files() {
        assert_eq!(AudioFormat::sniff(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(AudioFormat::sniff(b"%PDF-1.7"), None);
        assert_eq!(AudioFormat::sniff(b"RIFF\x24\0\0\0AVI LIST"), None);
        assert_eq!(AudioFormat::sniff(b""), None);
        assert_eq!(AudioFormat::sniff(b"hello world"), None);
    }

    #[test]
    fn declared_types() {
        assert!(AudioFormat::declared_ok(Some("audio/webm;codecs=opus")));
        assert!(AudioFormat::declared_ok(Some("Audio/MPEG")));
        assert!(AudioFormat::declared_ok(None));
        assert!(!AudioFormat::declared_ok(Some("image/png")));
        assert!(!AudioFormat::declared_ok(Some("text/plain")));
    }
}
