//! The output directory: never lose a user's files, and show either the old results or the
//! new ones, whole.
//!
//! * `--out` may name nothing yet, an empty directory, or a previous tokensim output: a
//!   directory holding the marker file [`MARKER`], which lists every file tokensim wrote there.
//!   Anything else (a file, a symbolic link, a directory tokensim did not write, or a tokensim
//!   output to which someone added a file) is refused before any work starts. There is no
//!   `--force`: tokensim never deletes a file it did not write. An output of a tokensim from
//!   before the marker is recognised by its files alone (records, a `summary.json` naming a
//!   `tokensim_version`, PNG and SVG plots, nothing else).
//! * One run at a time per output: an exclusive lock (`flock`) on `.NAME.lock` beside it, for
//!   the whole run; a second run fails at once, naming the first one's process.
//! * The results are written into `.NAME.tmp-PID` beside the output and swapped into place
//!   with one `renameat2(RENAME_EXCHANGE)`, so at every instant the output is the old results
//!   or the new ones; then the old ones are removed, file by file from their marker's list.
//! * On failure, or when the run is interrupted, the temporary directory and the lock file are
//!   removed. A temporary directory left by a process that was killed (`SIGKILL` cannot be
//!   caught) is removed by the next run into the same place, once its process is gone.

use std::fs::{self, File};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// The marker file tokensim writes into every output directory: its version and every file
/// and directory it wrote there, relative to the output.
pub(crate) const MARKER: &str = ".tokensim-output";

/// Paths to remove if the process is stopped by a second signal before it could clean up.
static CLEANUP: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// What the marker file holds.
#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    tokensim_version: String,
    /// Files and directories tokensim wrote, relative to the output, `/`-separated.
    files: Vec<String>,
}

/// Removes what [`CLEANUP`] lists (temporary directories and lock files of this process).
pub(crate) fn cleanup_now() {
    let paths = CLEANUP.lock().map(|p| p.clone()).unwrap_or_default();
    for p in paths {
        if p.is_dir() {
            let _ = fs::remove_dir_all(&p);
        } else {
            let _ = fs::remove_file(&p);
        }
    }
}

fn register(path: &Path) {
    if let Ok(mut v) = CLEANUP.lock() {
        v.push(path.to_path_buf());
    }
}

fn unregister(path: &Path) {
    if let Ok(mut v) = CLEANUP.lock() {
        v.retain(|p| p != path);
    }
}

/// An output directory being written: its lock, and the temporary directory the results go
/// into until [`commit`](Self::commit).
pub(crate) struct Output {
    dest: PathBuf,
    parent: PathBuf,
    /// The output's file name, which its lock and temporary directories are named after.
    name: String,
    tmp: PathBuf,
    /// Released (and its file removed) when the output is dropped, after the temporary
    /// directory is gone: fields drop after [`Drop::drop`].
    _lock: Lock,
    committed: bool,
}

impl Output {
    /// Checks that `dest` may be written, takes its lock, removes stale temporary directories
    /// of dead processes, and makes this process's temporary directory.
    ///
    /// # Errors
    /// `dest` is not replaceable, another run holds it, or a directory cannot be made.
    pub(crate) fn prepare(dest: &Path) -> Result<Self> {
        let name = dest
            .file_name()
            .filter(|l| *l != "." && *l != "..")
            .with_context(|| format!("--out {} does not name a directory", dest.display()))?
            .to_string_lossy()
            .into_owned();
        check_replaceable(dest)?;
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create the directory {}", parent.display()))?;
        let lock = Lock::take(&parent.join(format!(".{name}.lock")), dest)?;
        remove_stale(&parent, &name);
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        fs::create_dir(&tmp).with_context(|| {
            format!(
                "cannot write to {}: cannot create {}",
                dest.display(),
                tmp.display()
            )
        })?;
        register(&tmp);
        let out = Self {
            dest: dest.to_path_buf(),
            parent,
            name,
            tmp,
            _lock: lock,
            committed: false,
        };
        // A marker from the start, so that a temporary directory left by a killed process is
        // recognised as tokensim's.
        write_marker(&out.tmp, Vec::new())?;
        Ok(out)
    }

    /// Where the results are written until the commit.
    pub(crate) fn dir(&self) -> &Path {
        &self.tmp
    }

    /// Lists what was written, swaps the results into place atomically, and removes the old
    /// results. Returns the output directory.
    ///
    /// # Errors
    /// The output changed since [`prepare`](Self::prepare) into something not replaceable, or
    /// a rename failed; the old output is then intact and the temporary directory removed.
    pub(crate) fn commit(mut self) -> Result<PathBuf> {
        let mut files = Vec::new();
        list_files(&self.tmp, Path::new(""), &mut files)?;
        files.retain(|f| f != MARKER);
        files.push(MARKER.to_owned());
        write_marker(&self.tmp, files)?;
        test_hook("before-swap");
        // Someone may have put something there meanwhile.
        check_replaceable(&self.dest)?;
        let old = match fs::symlink_metadata(&self.dest) {
            Err(e) if e.kind() == ErrorKind::NotFound => {
                fs::rename(&self.tmp, &self.dest).with_context(|| {
                    format!("cannot move the results to {}", self.dest.display())
                })?;
                None
            }
            Err(e) => return Err(e).context(format!("cannot read {}", self.dest.display())),
            Ok(_) => Some(self.swap()?),
        };
        self.committed = true;
        unregister(&self.tmp);
        test_hook("after-swap");
        if let Some(old) = old {
            remove_written(&old);
        }
        Ok(self.dest.clone())
    }

    /// Exchanges the temporary directory with the existing output; returns where the old
    /// output now is.
    fn swap(&self) -> Result<PathBuf> {
        match rustix::fs::renameat_with(
            rustix::fs::CWD,
            &self.tmp,
            rustix::fs::CWD,
            &self.dest,
            rustix::fs::RenameFlags::EXCHANGE,
        ) {
            Ok(()) => Ok(self.tmp.clone()),
            // A file system without RENAME_EXCHANGE: move the old output aside first (it is
            // then briefly absent from its place, never lost).
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {
                let aside = self
                    .parent
                    .join(format!(".{}.old-{}", self.name, std::process::id()));
                fs::rename(&self.dest, &aside)
                    .with_context(|| format!("cannot move {} aside", self.dest.display()))?;
                if let Err(e) = fs::rename(&self.tmp, &self.dest) {
                    let _ = fs::rename(&aside, &self.dest);
                    return Err(e).context(format!(
                        "cannot move the results to {}",
                        self.dest.display()
                    ));
                }
                Ok(aside)
            }
            Err(e) => Err(std::io::Error::from(e)).context(format!(
                "cannot move the results to {}",
                self.dest.display()
            )),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.committed {
            // Everything in it was written by this process.
            let _ = fs::remove_dir_all(&self.tmp);
            unregister(&self.tmp);
        }
    }
}

/// For the tests of atomicity: `TOKENSIM_TEST_ABORT_AT=before-swap|after-swap` aborts the
/// process there, as a `SIGKILL` would (no cleanup runs).
fn test_hook(point: &str) {
    if std::env::var_os("TOKENSIM_TEST_ABORT_AT").is_some_and(|v| v == point) {
        std::process::abort();
    }
}

/// Refuses a `dest` that tokensim may not replace.
fn check_replaceable(dest: &Path) -> Result<()> {
    let meta = match fs::symlink_metadata(dest) {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).context(format!("cannot read {}", dest.display())),
        Ok(m) => m,
    };
    if meta.file_type().is_symlink() {
        let dangling = fs::metadata(dest).is_err();
        bail!(
            "--out {} is a {}symbolic link; give the directory itself",
            dest.display(),
            if dangling { "dangling " } else { "" }
        );
    }
    if !meta.is_dir() {
        bail!(
            "--out {} is a file, not a directory; tokensim will not replace it",
            dest.display()
        );
    }
    let mut found = Vec::new();
    list_files(dest, Path::new(""), &mut found)?;
    if found.is_empty() {
        return Ok(());
    }
    let Some(written) = written_files(dest, &found) else {
        bail!(
            "--out {} exists and is not a tokensim output (it has no {MARKER}); tokensim never replaces a directory it did not write: choose another --out, or move it away",
            dest.display()
        );
    };
    if let Some(foreign) = found.iter().find(|f| !written.contains(f)) {
        bail!(
            "--out {} holds {foreign}, which tokensim did not write; move it away, or choose another --out",
            dest.display()
        );
    }
    Ok(())
}

/// The files tokensim wrote in `dir` (whose files are `found`): its marker's list, or for an
/// output of a tokensim from before the marker, every file when each is one such a tokensim
/// writes (`records.csv` or `.parquet`, `summary.json` naming a `tokensim_version`, `plots/`
/// with PNG and SVG files).
fn written_files(dir: &Path, found: &[String]) -> Option<Vec<String>> {
    if let Some(marker) = read_marker(dir) {
        return Some(marker.files);
    }
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("summary.json")).ok()?).ok()?;
    summary.get("tokensim_version")?;
    let ours = |f: &String| {
        matches!(
            f.as_str(),
            "records.csv" | "records.parquet" | "summary.json" | "plots"
        ) || f
            .strip_prefix("plots/")
            .is_some_and(|p| !p.contains('/') && (p.ends_with(".png") || p.ends_with(".svg")))
    };
    found.iter().all(ours).then(|| found.to_vec())
}

fn read_marker(dir: &Path) -> Option<Marker> {
    let text = fs::read_to_string(dir.join(MARKER)).ok()?;
    serde_json::from_str(&text).ok()
}

fn write_marker(dir: &Path, files: Vec<String>) -> Result<()> {
    let marker = Marker {
        tokensim_version: env!("CARGO_PKG_VERSION").to_owned(),
        files,
    };
    let path = dir.join(MARKER);
    fs::write(&path, serde_json::to_string_pretty(&marker)? + "\n")
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Every file and directory under `dir`, relative to it, `/`-separated, directories after
/// what they hold; symbolic links are listed, not followed.
fn list_files(dir: &Path, rel: &Path, out: &mut Vec<String>) -> Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir.join(rel))
        .with_context(|| format!("cannot read {}", dir.join(rel).display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = rel.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            list_files(dir, &path, out)?;
        }
        out.push(path.to_string_lossy().replace('\\', "/"));
    }
    Ok(())
}

/// Removes the files and directories tokensim wrote in `dir` ([`written_files`]), then `dir`
/// if it is empty; leaves (and reports) anything else.
fn remove_written(dir: &Path) {
    let mut found = Vec::new();
    let _ = list_files(dir, Path::new(""), &mut found);
    let listed = written_files(dir, &found).unwrap_or_default();
    // Directories after their contents: the list is in that order; the marker last.
    for rel in listed.iter().filter(|f| f.as_str() != MARKER) {
        let path = dir.join(rel);
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {
                let _ = fs::remove_dir(&path);
            }
            Ok(_) => {
                let _ = fs::remove_file(&path);
            }
            Err(_) => {}
        }
    }
    let _ = fs::remove_file(dir.join(MARKER));
    if let Err(e) = fs::remove_dir(dir)
        && e.kind() != ErrorKind::NotFound
    {
        eprintln!(
            "note: kept {}: it holds files tokensim did not write",
            dir.display()
        );
    }
}

/// Removes `.NAME.tmp-PID` and `.NAME.old-PID` directories of processes that are gone.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.tmp-"), format!(".{name}.old-")];
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = prefixes
            .iter()
            .find_map(|p| file.strip_prefix(p.as_str()))
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        let ours = u32::try_from(pid).is_ok_and(|p| p == std::process::id());
        // Only directories with tokensim's marker: everything in them is tokensim's.
        if !ours && !alive(pid) && read_marker(&entry.path()).is_some() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether process `pid` exists (signal 0).
fn alive(pid: i32) -> bool {
    let Some(pid) = rustix::process::Pid::from_raw(pid) else {
        return false;
    };
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        Err(e) => e != rustix::io::Errno::SRCH,
    }
}

/// An exclusive `flock` on a lock file, released and the file removed on drop.
struct Lock {
    path: PathBuf,
    file: File,
}

impl Lock {
    fn take(path: &Path, dest: &Path) -> Result<Self> {
        // A holder may remove the file between our open and our lock: then lock again.
        for _ in 0..8 {
            let mut file = File::options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .with_context(|| format!("cannot create the lock file {}", path.display()))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim();
                    bail!(
                        "another tokensim{} is writing to {}; wait for it, or choose another --out",
                        if holder.is_empty() {
                            String::new()
                        } else {
                            format!(" (process {holder})")
                        },
                        dest.display()
                    );
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(e).context(format!("cannot lock {}", path.display()));
                }
            }
            let same = match (file.metadata(), fs::metadata(path)) {
                (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
                _ => false,
            };
            if !same {
                continue;
            }
            file.set_len(0)?;
            write!(file, "{}", std::process::id())?;
            register(path);
            return Ok(Self {
                path: path.to_path_buf(),
                file,
            });
        }
        bail!("cannot lock {}: it keeps being replaced", path.display())
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked, so that no one locks a file about to vanish.
        let _ = fs::remove_file(&self.path);
        unregister(&self.path);
        let _ = self.file.unlock();
    }
}
