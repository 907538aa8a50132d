#!/bin/sh
# cluster.sh start|stop|status [DIR]: a single-node Slurm cluster on this
# machine, for tests and for trying gcbench with Slurm (README, "Past one
# machine").  Needs root and Debian's slurm-wlm and munge (scripts/deps.sh).
#
# DIR (default: build/release/slurm under the repository, or $GCB_SLURM_DIR)
# holds slurm.conf, the controller's state, the node's spool, logs, pid
# files and the job completion file.  The daemons run in the background
# and are stopped through their pid files: no systemd.  munged is started
# only when no munge daemon answers, and then stopped by `stop`.  Clients
# need `export SLURM_CONF=DIR/slurm.conf` (`status` prints it).
#
# Configuration facts (/work/shared/SLURM.md): proctrack/linuxproc and
# task/affinity work without systemd or cgroup delegation, and tasks are
# really pinned; the node's CPU layout and memory come from `slurmd -C`;
# batch_sched_delay=0 avoids ~3 s between array waves.
# Exit status: 0 done, 1 it could not be done (reason on stderr).
set -u
cmd=${1:-status}
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${2:-${GCB_SLURM_DIR:-$root/build/release/slurm}}
conf=$dir/slurm.conf
export SLURM_CONF="$conf"

die() { echo "cluster.sh: $*" >&2; exit 1; }

# alive PIDFILE: the pid in PIDFILE runs.
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

write_conf() {
  node=$(slurmd -C 2>/dev/null | head -1 | sed 's/^NodeName=[^ ]*//; s/ UpTime=.*//')
  [ -n "$node" ] || die "slurmd -C printed no node line"
  mkdir -p "$dir/state" "$dir/spool" || die "cannot create $dir"
  cat > "$conf" <<CONF
# Written by scripts/slurm/cluster.sh; rewritten at every start.
ClusterName=gcbench
SlurmctldHost=localhost
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.txt
MailProg=/bin/true
ReturnToService=2
MinJobAge=300
NodeName=localhost NodeHostname=localhost$node State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
}

start() {
  [ "$(id -u)" = 0 ] || die "start needs root (slurmd runs jobs as their users)"
  for p in slurmctld slurmd munged munge unmunge sinfo; do
    command -v $p >/dev/null 2>&1 || [ -x /usr/sbin/$p ] ||
      die "$p not found: install slurm-wlm and munge (scripts/deps.sh)"
  done
  if alive "$dir/slurmctld.pid" && alive "$dir/slurmd.pid"; then
    echo "cluster.sh: already running (SLURM_CONF=$conf)"
    return 0
  fi
  stop_daemons
  write_conf
  if ! munge_ok; then
    install -d -o munge -g munge -m 0755 /run/munge || die "cannot create /run/munge"
    runuser -u munge -- munged || die "munged did not start"
    : > "$dir/munged.ours"
    munge_ok || die "munge does not answer after starting munged"
  fi
  /usr/sbin/slurmctld -i || die "slurmctld did not start (see $dir/slurmctld.log)"
  /usr/sbin/slurmd -N localhost || die "slurmd did not start (see $dir/slurmd.log)"
  i=0
  while :; do
    state=$(sinfo -h -N -o %t 2>/dev/null | head -1)
    case $state in idle|mix|alloc) break ;; esac
    i=$((i + 1))
    [ $i -lt 150 ] || { stop_daemons; die "node not idle after 15 s (state '$state'; see $dir/*.log)"; }
    sleep 0.1
  done
  echo "cluster.sh: running; export SLURM_CONF=$conf"
}

# stop_daemons: end the daemons whose pid files are in DIR; stale files go.
stop_daemons() {
  for d in slurmd slurmctld; do
    f=$dir/$d.pid
    if alive "$f"; then
      pid=$(cat "$f")
      kill "$pid" 2>/dev/null
      i=0
      while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    fi
    rm -f "$f"
  done
}

stop() {
  stop_daemons
  if [ -e "$dir/munged.ours" ]; then
    f=/run/munge/munged.pid
    alive "$f" && kill "$(cat "$f")"
    rm -f "$dir/munged.ours"
  fi
  echo "cluster.sh: stopped"
}

status() {
  if alive "$dir/slurmctld.pid" && alive "$dir/slurmd.pid"; then
    echo "cluster.sh: running; export SLURM_CONF=$conf"
    sinfo -N 2>/dev/null
    return 0
  fi
  echo "cluster.sh: not running ($dir)"
  return 1
}

case $cmd in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: cluster.sh start|stop|status [DIR]" ;;
esac
