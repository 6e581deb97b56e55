//! Recordings on disk: `{AUDIO_STORAGE_DIR}/{user_id}/{answer_id}.{ext}`. Uploads are written to a
//! temporary file first and moved into place only inside the transaction that records the answer, so a
//! refused or failed upload leaves nothing behind.
use std::path::{Path, PathBuf};

use tokio::{fs, io::AsyncWriteExt};
use uuid::Uuid;

use super::format::AudioFormat;

#[derive(Clone, Debug)]
pub struct AudioStore {
    root: PathBuf,
}

/// An upload being received. Dropped without [`AudioStore::persist`], its file is removed.
pub struct PendingAudio {
    path: PathBuf,
    file: Option<fs::File>,
    pub bytes: u64,
    pub head: Vec<u8>,
}

impl Drop for PendingAudio {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl PendingAudio {
    pub async fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        if self.head.len() < super::format::SNIFF_LEN {
            let take = (super::format::SNIFF_LEN - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.bytes += chunk.len() as u64;
        match &mut self.file {
            Some(f) => f.write_all(chunk).await,
            None => Err(std::io::Error::other("upload already finished")),
        }
    }

    pub async fn finish(&mut self) -> std::io::Result<()> {
        if let Some(mut f) = self.file.take() {
            f.flush().await?;
            f.sync_all().await?;
        }
        Ok(())
    }
}

impl AudioStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Starts receiving an upload into `{root}/tmp/`.
    pub async fn begin(&self) -> std::io::Result<PendingAudio> {
        let dir = self.root.join("tmp");
        fs::create_dir_all(&dir).await?;
        let path = dir.join(format!("{}.part", Uuid::new_v4()));
        let file = fs::File::create(&path).await?;
        Ok(PendingAudio {
            path,
            file: Some(file),
            bytes: 0,
            head: Vec::new(),
        })
    }

    /// The stored name of an answer's recording, relative to the root.
    pub fn key(user_id: Uuid, answer_id: Uuid, format: AudioFormat) -> String {
        format!("{user_id}/{answer_id}.{}", format.extension())
    }

    /// Moves a finished upload to its key. The caller commits the answer afterwards and removes the
    /// file with [`AudioStore::remove`] if that fails.
    pub async fn persist(&self, mut pending: PendingAudio, key: &str) -> std::io::Result<()> {
        pending.finish().await?;
        let target = self.path_of(key)?;
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).await?;
        }
        fs::rename(&pending.path, &target).await?;
        pending.path = PathBuf::new();
        Ok(())
    }

    /// The file of a stored key; keys are only ever `{uuid}/{uuid}.{ext}`.
    pub fn path_of(&self, key: &str) -> std::io::Result<PathBuf> {
        let valid = key.split_once('/').is_some_and(|(user, file)| {
            user.parse::<Uuid>().is_ok()
                && file.split_once('.').is_some_and(|(id, ext)| {
                    id.parse::<Uuid>().is_ok() && AudioFormat::from_extension(ext).is_some()
                })
        });
        if !valid {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not an audio key",
            ));
        }
        Ok(self.root.join(key))
    }

    /// Removes one recording; a missing file is not an error (removal is re-runnable).
    pub async fn remove(&self, key: &str) -> std::io::Result<()> {
        match fs::remove_file(self.path_of(key)?).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Removes every recording of a user.
    pub async fn remove_user(&self, user_id: Uuid) -> std::io::Result<()> {
        match fs::remove_dir_all(self.root.join(user_id.to_string())).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Removes uploads that never completed (a crash mid-upload) older than an hour.
    pub async fn sweep_temporary(&self) -> std::io::Result<u32> {
        let mut removed = 0;
        let Ok(mut dir) = fs::read_dir(self.root.join("tmp")).await else {
            return Ok(0);
        };
        while let Some(entry) = dir.next_entry().await? {
            let old = entry
                .metadata()
                .await
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600);
            if old && fs::remove_file(entry.path()).await.is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn dropped_upload_leaves_nothing_and_persist_moves_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = AudioStore::new(dir.path());
        let mut p = store.begin().await.unwrap();
        p.write(b"OggS-some-bytes").await.unwrap();
        drop(p);
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
            0
        );

        let mut p = store.begin().await.unwrap();
        p.write(b"OggS").await.unwrap();
        p.write(b"-more").await.unwrap();
        assert_eq!(p.head, b"OggS-more");
        assert_eq!(p.bytes, 9);
        let key = AudioStore::key(Uuid::now_v7(), Uuid::now_v7(), AudioFormat::Ogg);
        store.persist(p, &key).await.unwrap();
        assert_eq!(
            std::fs::read(store.path_of(&key).unwrap()).unwrap(),
            b"OggS-more"
        );
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
            0
        );
        store.remove(&key).await.unwrap();
        store.remove(&key).await.unwrap();
    }

    #[test]
    fn keys_cannot_escape_the_root() {
        let store = AudioStore::new("/srv/audio");
        assert!(store.path_of("../etc/passwd").is_err());
        assert!(store.path_of("a/b.webm").is_err());
        let u = Uuid::nil();
        assert!(store.path_of(&format!("{u}/{u}.exe")).is_err());
        assert!(store.path_of(&format!("{u}/{u}.webm")).is_ok());
    }
}
