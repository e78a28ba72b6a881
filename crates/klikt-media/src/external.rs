//! External decoders: libheif's command-line tool for HEIF/HEIC and ffmpeg
//! for video posters. They run as child processes so a crash or hang in a
//! codec stays out of the app, and every run is bounded: stdin is closed,
//! output is capped, and the process is killed at the time limit.

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::error::MediaError;
use crate::renditions::Source;

/// External decoders found on `PATH` at runtime.
#[derive(Debug, Clone, Default)]
pub struct Tools {
    /// libheif's `heif-dec` (1.17+) or `heif-convert` (older name).
    pub heif: Option<PathBuf>,
    /// `ffmpeg`, for one poster frame per video.
    pub ffmpeg: Option<PathBuf>,
}

impl Tools {
    /// Looks the tools up on `PATH`. Cheap enough to call once per import.
    pub fn detect() -> Tools {
        Tools {
            heif: find_on_path(&["heif-dec", "heif-convert"]),
            ffmpeg: find_on_path(&["ffmpeg"]),
        }
    }

    /// No external tools: HEIF gets no preview and videos a placeholder.
    pub fn none() -> Tools {
        Tools::default()
    }
}

/// The first name (in preference order) found in any `PATH` directory.
fn find_on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    names.iter().find_map(|name| {
        dirs.iter()
            .map(|dir| dir.join(executable_name(name)))
            .find(|candidate| is_executable(candidate))
    })
}

fn executable_name(name: &str) -> String {
    if cfg!(windows) {
        format!("{name}.exe")
    } else {
        name.to_owned()
    }
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Bytes of stdout/stderr kept per stream; enough for any error message, and
/// a tool that floods its output cannot grow our memory.
const OUTPUT_CAP: usize = 16 * 1024;
/// How long to wait for the output pipes to close after the process ended.
const PIPE_GRACE: Duration = Duration::from_secs(2);

struct Finished {
    status: ExitStatus,
    stderr: String,
}

fn tool_error(tool: &Path, reason: impl Into<String>) -> MediaError {
    let name = tool
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| tool.display().to_string());
    MediaError::Tool {
        tool: name,
        reason: reason.into(),
    }
}

/// Runs `program` to completion or until `deadline`, whichever is first;
/// `timeout` is the whole budget, named in the error message.
fn run(
    program: &Path,
    args: &[OsString],
    deadline: Instant,
    timeout: Duration,
) -> Result<Finished, MediaError> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| tool_error(program, format!("could not start it: {e}")))?;
    // Both pipes must be drained while the child runs, or a chatty child
    // blocks on a full pipe and only the timeout would end it.
    let stdout = child.stdout.take().map(|s| drain(s, OUTPUT_CAP));
    let stderr = child.stderr.take().map(|s| drain(s, OUTPUT_CAP));
    let status = wait_until(&mut child, deadline)
        .map_err(|e| tool_error(program, format!("could not wait for it: {e}")))?;
    let collect = |rx: Option<mpsc::Receiver<Vec<u8>>>| {
        rx.and_then(|rx| rx.recv_timeout(PIPE_GRACE).ok())
            .unwrap_or_default()
    };
    drop(collect(stdout));
    let stderr = String::from_utf8_lossy(&collect(stderr)).trim().to_owned();
    match status {
        Some(status) => Ok(Finished { status, stderr }),
        None => Err(tool_error(
            program,
            format!(
                "it did not finish within {} s and was stopped",
                timeout.as_secs_f32()
            ),
        )),
    }
}

/// `Some(status)` when the child exited in time; `None` when it had to be
/// killed at the deadline.
fn wait_until(child: &mut Child, deadline: Instant) -> std::io::Result<Option<ExitStatus>> {
    // Poll with a short, growing pause: most runs end within a few hundred
    // ms, and std has no portable wait-with-timeout.
    let mut pause = Duration::from_millis(2);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        let now = Instant::now();
        if now >= deadline {
            // Already-exited races are harmless: kill then reports an error
            // we ignore, and wait reaps either way.
            let _ = child.kill();
            child.wait()?;
            return Ok(None);
        }
        thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(25));
    }
}

/// Reads a pipe to its end on a thread, keeping the first `cap` bytes.
fn drain(mut pipe: impl Read + Send + 'static, cap: usize) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            match pipe.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = cap.saturating_sub(kept.len());
                    kept.extend_from_slice(chunk.get(..n.min(room)).unwrap_or(&[]));
                }
            }
        }
        // The receiver may have given up waiting; nothing to do then.
        let _ = tx.send(kept);
    });
    rx
}

/// The input a tool should read: the in-memory bytes when the caller has
/// them (they are the truth; `path` may name an archive entry), else `path`.
fn input_file(source: &Source, dir: &Path, name: &str) -> Result<PathBuf, MediaError> {
    match source.bytes {
        Some(bytes) => {
            let path = dir.join(name);
            std::fs::write(&path, bytes).map_err(|e| MediaError::Io {
                path: path.clone(),
                source: e,
            })?;
            Ok(path)
        }
        None => Ok(source.path.to_path_buf()),
    }
}

/// What every tool run starts from: its deadline, a scratch folder, and the
/// input as a file the tool can open.
fn start_tool_run(
    source: &Source,
    timeout: Duration,
    input_name: &str,
) -> Result<(Instant, tempfile::TempDir, PathBuf), MediaError> {
    let deadline = Instant::now() + timeout;
    let dir = scratch_dir()?;
    let input = input_file(source, dir.path(), input_name)?;
    Ok((deadline, dir, input))
}

fn scratch_dir() -> Result<tempfile::TempDir, MediaError> {
    tempfile::Builder::new()
        .prefix("klikt-media-")
        .tempdir()
        .map_err(|e| MediaError::Io {
            path: std::env::temp_dir(),
            source: e,
        })
}

fn read_output(tool: &Path, path: &Path, max_bytes: u64) -> Result<Vec<u8>, MediaError> {
    let len = path
        .metadata()
        .map_err(|_| tool_error(tool, "it reported success but wrote no image"))?
        .len();
    if len > max_bytes {
        return Err(tool_error(
            tool,
            "its output image exceeds the memory limit",
        ));
    }
    std::fs::read(path).map_err(|e| MediaError::Io {
        path: path.to_path_buf(),
        source: e,
    })
}

fn failure_reason(finished: &Finished) -> String {
    if finished.stderr.is_empty() {
        format!("exited with {}", finished.status)
    } else {
        format!("exited with {}: {}", finished.status, finished.stderr)
    }
}

/// Quality of the intermediate JPEG: high enough that the renditions cut
/// from it show no extra artefacts.
const INTERMEDIATE_QUALITY: &str = "92";

/// Decodes the primary image of a HEIF file to JPEG bytes. libheif applies
/// the container's rotation and mirroring (`irot`/`imir`), so the result is
/// already upright.
pub(crate) fn heif_to_jpeg(
    tool: &Path,
    source: &Source,
    timeout: Duration,
    max_bytes: u64,
) -> Result<Vec<u8>, MediaError> {
    let (deadline, dir, input) = start_tool_run(source, timeout, "input.heif")?;
    let output = dir.path().join("out.jpg");
    let args: Vec<OsString> = vec![
        "-q".into(),
        INTERMEDIATE_QUALITY.into(),
        input.into_os_string(),
        output.clone().into_os_string(),
    ];
    let finished = run(tool, &args, deadline, timeout)?;
    if !finished.status.success() {
        return Err(tool_error(tool, failure_reason(&finished)));
    }
    let produced = if output.is_file() {
        output
    } else {
        // Files with several top-level images are written as out-1.jpg,
        // out-2.jpg, …; the first is the best guess at the primary one.
        first_numbered_output(dir.path()).ok_or_else(|| tool_error(tool, "it wrote no image"))?
    };
    read_output(tool, &produced, max_bytes)
}

fn first_numbered_output(dir: &Path) -> Option<PathBuf> {
    let mut outputs: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(OsStr::to_str).unwrap_or("");
            name.starts_with("out-") && name.ends_with(".jpg")
        })
        .collect();
    outputs.sort_by_key(|p| {
        p.file_stem()
            .and_then(OsStr::to_str)
            .and_then(|s| s.strip_prefix("out-"))
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(u32::MAX)
    });
    outputs.into_iter().next()
}

/// Seconds into the clip for the poster: past fade-ins and the shaky first
/// frames, yet inside even short clips.
const POSTER_AT_SECONDS: &str = "1";

/// Extracts one poster frame as JPEG bytes. ffmpeg applies the rotation
/// stored in the container, so the frame is upright.
pub(crate) fn video_poster(
    tool: &Path,
    source: &Source,
    timeout: Duration,
    max_bytes: u64,
) -> Result<Vec<u8>, MediaError> {
    let (deadline, dir, input) = start_tool_run(source, timeout, "input.video")?;
    let output = dir.path().join("poster.jpg");
    let mut last_failure = None;
    // Clips shorter than the seek point yield no frame at 1 s; the first
    // frame is the fallback.
    for seek in [Some(POSTER_AT_SECONDS), None] {
        let args = ffmpeg_args(seek, &input, &output);
        let finished = run(tool, &args, deadline, timeout)?;
        if finished.status.success() && output.is_file() {
            return read_output(tool, &output, max_bytes);
        }
        last_failure = Some(if finished.status.success() {
            "it found no video frame".to_owned()
        } else {
            failure_reason(&finished)
        });
    }
    Err(tool_error(
        tool,
        last_failure.unwrap_or_else(|| "it found no video frame".to_owned()),
    ))
}

fn ffmpeg_args(seek: Option<&str>, input: &Path, output: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = ["-nostdin", "-hide_banner", "-loglevel", "error"]
        .iter()
        .map(OsString::from)
        .collect();
    if let Some(seconds) = seek {
        // Before -i: a keyframe seek, not decoding every frame up to it.
        args.extend(["-ss", seconds].map(OsString::from));
    }
    args.push("-i".into());
    args.push(input.as_os_str().to_owned());
    args.extend(
        [
            "-map",
            "0:v:0",
            "-frames:v",
            "1",
            "-an",
            "-sn",
            "-dn",
            "-q:v",
            "2",
            "-f",
            "image2",
            "-update",
            "1",
            "-y",
        ]
        .map(OsString::from),
    );
    args.push(output.as_os_str().to_owned());
    args
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_hanging_tool_is_killed_at_the_deadline() {
        let started = Instant::now();
        let result = run(
            Path::new("/bin/sleep"),
            &["30".into()],
            Instant::now() + Duration::from_millis(200),
            Duration::from_millis(200),
        );
        assert!(
            matches!(result, Err(MediaError::Tool { .. })),
            "a tool past its time limit must be reported as failed"
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the run must end near the deadline, not when the tool does"
        );
    }

    #[test]
    fn a_flooding_tool_cannot_grow_captured_output() {
        let result = run(
            Path::new("/bin/sh"),
            &["-c".into(), "head -c 1000000 /dev/zero >&2".into()],
            Instant::now() + Duration::from_secs(10),
            Duration::from_secs(10),
        );
        let finished = result.unwrap_or_else(|e| panic!("sh should run: {e}"));
        assert!(
            finished.stderr.len() <= OUTPUT_CAP,
            "stderr must be capped at {OUTPUT_CAP} bytes, got {}",
            finished.stderr.len()
        );
    }

    #[test]
    fn a_missing_tool_is_a_tool_error() {
        let result = run(
            Path::new("/nonexistent/heif-dec"),
            &[],
            Instant::now() + Duration::from_secs(1),
            Duration::from_secs(1),
        );
        assert!(
            matches!(result, Err(MediaError::Tool { .. })),
            "a tool that cannot start must be a Tool error, not a panic or Io"
        );
    }
}
