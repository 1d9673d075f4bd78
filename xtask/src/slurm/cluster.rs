//! A throw-away single-node Slurm cluster for `cargo xtask slurm`: its packages, its
//! configuration in a temporary directory, and its three daemons (`munged`, `slurmctld`,
//! `slurmd`), each started under a watchdog and stopped when the cluster is dropped.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The programs the cluster needs, and the Debian packages that have them.
const PROGRAMS: [&str; 6] = ["munged", "slurmctld", "slurmd", "sbatch", "sinfo", "squeue"];
const PACKAGES: &str = "slurm-wlm munge";

/// Where a program is, on `PATH` or in `/usr/sbin` (not on every user's `PATH`).
fn find(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// Installs Slurm and munge with apt-get when a program is missing (refreshing the package
/// lists if the first attempt fails); fails saying what to install when that is not possible.
pub(super) fn install() -> Result<()> {
    let missing: Vec<&str> = PROGRAMS
        .iter()
        .copied()
        .filter(|p| find(p).is_none())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!(
        "slurm: {} missing; installing {PACKAGES}",
        missing.join(", ")
    );
    let apt = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success())
    };
    let mut install = vec!["install", "-y", "-q", "--no-install-recommends"];
    install.extend(PACKAGES.split(' '));
    let installed = apt(&install) || (apt(&["update", "-q"]) && apt(&install));
    let still: Vec<&str> = PROGRAMS
        .iter()
        .copied()
        .filter(|p| find(p).is_none())
        .collect();
    if !installed || !still.is_empty() {
        bail!(
            "Slurm is needed and could not be installed ({} missing): install the Debian packages `{PACKAGES}` (apt-get install {PACKAGES}) as root, then run again",
            still.join(", ")
        );
    }
    Ok(())
}

/// A free TCP port on the loopback interface.
fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").context("cannot find a free port")?;
    Ok(l.local_addr()?.port())
}

/// This machine's memory in MiB, from `/proc/meminfo`.
fn memory_mib() -> Result<u64> {
    let info = fs::read_to_string("/proc/meminfo").context("cannot read /proc/meminfo")?;
    let kib: u64 = info
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("/proc/meminfo has no MemTotal")?;
    Ok(kib / 1024)
}

/// The cluster's `slurm.conf`: one node, `localhost`, with this machine's CPUs and 90 % of its
/// memory; no cgroups (process tracking by `/proc`), no accounting.
fn slurm_conf(dir: &Path, ports: (u16, u16)) -> Result<String> {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let memory = memory_mib()? * 9 / 10;
    let d = dir.display();
    Ok(format!(
        "ClusterName=tokensim-xtask
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={d}/munge.socket
CredType=cred/munge
SlurmctldPort={}
SlurmdPort={}
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/slurmctld.log
SlurmdLogFile={d}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
InactiveLimit=0
KillWait=5
Waittime=0
NodeName=localhost NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory} State=UNKNOWN
PartitionName=tokensim Nodes=ALL Default=YES MaxTime=INFINITE State=UP
",
        ports.0, ports.1
    ))
}

/// The running cluster: its directory and its daemons' watchdogs.
pub(super) struct Cluster {
    dir: PathBuf,
    daemons: Vec<(&'static str, Child)>,
}

impl Cluster {
    /// Writes the configuration and a munge key into `dir`, starts the daemons, and waits
    /// until the node is idle.
    pub(super) fn start(dir: &Path) -> Result<Self> {
        fs::create_dir_all(dir.join("state"))?;
        fs::create_dir_all(dir.join("spool"))?;
        let conf = slurm_conf(dir, (free_port()?, free_port()?))?;
        fs::write(dir.join("slurm.conf"), conf)?;
        let mut key = vec![0u8; 1024];
        use std::io::Read as _;
        fs::File::open("/dev/urandom")?.read_exact(&mut key)?;
        fs::write(dir.join("munge.key"), key)?;
        let mut perms = fs::metadata(dir.join("munge.key"))?.permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o400);
        fs::set_permissions(dir.join("munge.key"), perms)?;
        let mut cluster = Self {
            dir: dir.to_path_buf(),
            daemons: Vec::new(),
        };
        let d = dir.display().to_string();
        cluster.spawn(
            "munged",
            &[
                "-f",
                "-F",
                &format!("--key-file={d}/munge.key"),
                &format!("--socket={d}/munge.socket"),
                &format!("--pid-file={d}/munged.pid"),
                &format!("--log-file={d}/munged.log"),
                &format!("--seed-file={d}/munged.seed"),
            ],
        )?;
        cluster.wait_for("the munge socket", || dir.join("munge.socket").exists())?;
        cluster.spawn("slurmctld", &["-D", "-i"])?;
        cluster.spawn("slurmd", &["-D", "-N", "localhost"])?;
        let conf = dir.join("slurm.conf");
        cluster.wait_for("the node to be idle", || {
            Command::new(find("sinfo").unwrap_or_else(|| PathBuf::from("sinfo")))
                .args(["-h", "-o", "%T"])
                .env("SLURM_CONF", &conf)
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "idle")
        })?;
        eprintln!("slurm: a one-node cluster is up in {d}");
        Ok(cluster)
    }

    /// Starts `program` in the foreground under a watchdog shell that stops it when this
    /// process is gone (so a killed `xtask` leaves no daemon), when the `stop` file appears,
    /// or on a signal.
    fn spawn(&mut self, program: &'static str, args: &[&str]) -> Result<()> {
        let exe = find(program).with_context(|| format!("{program} is not installed"))?;
        // SIGTERM, then SIGKILL after five seconds (slurmd can ignore a SIGTERM while it is
        // busy with a job).
        // Then whatever the cluster started and left (a job step's `slurmstepd`, a job): the
        // processes whose environment names this cluster's `SLURM_CONF`, which only the
        // daemons, their jobs and the commands run for the cluster have (the watchdogs have it
        // under another name).
        let watchdog = r#"
            SLURM_CONF="$CLUSTER_CONF" "$@" & d=$!
            stop() {
                kill $d 2>/dev/null
                for _ in $(seq 50); do kill -0 $d 2>/dev/null || break; sleep 0.1; done
                kill -9 $d 2>/dev/null
                wait $d 2>/dev/null
                for p in /proc/[0-9]*; do
                    if tr '\0' '\n' < "$p/environ" 2>/dev/null | grep -qxF "SLURM_CONF=$CLUSTER_CONF"; then
                        kill -9 "${p#/proc/}" 2>/dev/null
                    fi
                done
                exit 0
            }
            trap stop INT TERM HUP
            while kill -0 "$XTASK_PID" 2>/dev/null && kill -0 $d 2>/dev/null && [ ! -e "$STOP" ]; do
                sleep 0.2
            done
            stop
        "#;
        let child = Command::new("bash")
            .args(["-c", watchdog, program])
            .arg(&exe)
            .args(args)
            .env("CLUSTER_CONF", self.dir.join("slurm.conf"))
            .env_remove("SLURM_CONF")
            .env("XTASK_PID", std::process::id().to_string())
            .env("STOP", self.dir.join("stop"))
            // A daemon that crashes dumps core in its working directory: the cluster's, never
            // the checkout.
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(fs::File::create(self.dir.join(format!("{program}.out")))?)
            .stderr(fs::File::create(self.dir.join(format!("{program}.err")))?)
            .spawn()
            .with_context(|| format!("cannot start {program}"))?;
        self.daemons.push((program, child));
        Ok(())
    }

    /// Polls `ready` for up to a minute; fails if a daemon exits meanwhile.
    fn wait_for(&mut self, what: &str, ready: impl Fn() -> bool) -> Result<()> {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(60) {
            if ready() {
                return Ok(());
            }
            for (name, child) in &mut self.daemons {
                if let Ok(Some(status)) = child.try_wait() {
                    bail!("{name} exited ({status}) while waiting for {what}");
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        bail!("timed out after 60 s waiting for {what}")
    }

    /// A Slurm command for this cluster (`SLURM_CONF` set).
    pub(super) fn command(&self, program: &str) -> Command {
        let mut c = Command::new(find(program).unwrap_or_else(|| PathBuf::from(program)));
        c.env("SLURM_CONF", self.dir.join("slurm.conf"));
        c
    }

    /// The daemons' logs, on stderr, to say why the cluster failed.
    pub(super) fn show_logs(&self) {
        for log in [
            "munged.log",
            "slurmctld.log",
            "slurmd.log",
            "slurmctld.err",
            "slurmd.err",
        ] {
            if let Ok(text) = fs::read_to_string(self.dir.join(log)) {
                let tail: Vec<&str> = text.lines().rev().take(15).collect();
                eprintln!("--- {log} (last lines)");
                for line in tail.iter().rev() {
                    eprintln!("{line}");
                }
            }
        }
    }
}

impl Drop for Cluster {
    /// Stops exactly the daemons it started: the watchdogs see `stop`, stop their daemon and
    /// exit; one that does not within ten seconds is killed with its daemon.
    fn drop(&mut self) {
        let _ = fs::write(self.dir.join("stop"), "");
        let deadline = Instant::now() + Duration::from_secs(10);
        for (_, child) in &mut self.daemons {
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            if let Ok(None) = child.try_wait() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        for pid_file in ["slurmd.pid", "slurmctld.pid", "munged.pid"] {
            if let Some(pid) = fs::read_to_string(self.dir.join(pid_file))
                .ok()
                .and_then(|p| p.trim().parse::<u32>().ok())
            {
                // Only if it is still the daemon we started (its command line says so).
                let cmdline =
                    fs::read_to_string(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                if cmdline.contains(&*self.dir.to_string_lossy())
                    || cmdline.contains("-N\0localhost")
                {
                    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                }
            }
        }
    }
}
