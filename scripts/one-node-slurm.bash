# A Slurm cluster of one node, for tests and benchmarks: munged, slurmctld and slurmd, each
# with its own files under one folder and free ports, so it needs no system configuration
# and disturbs none. Needs root (or the slurm and munge users' rights) and slurm-wlm and
# munge installed (scripts/install-deps.sh).
#
#   source scripts/one-node-slurm.bash
#   start_one_node_slurm FOLDER || exit   # sets SLURM_CONF; stop_one_node_slurm when done
#
# The node comes up idle in about 6 seconds.

stop_one_node_slurm() {
  local sl=${ONE_NODE_SLURM:-}
  [ -n "$sl" ] || return 0
  for pid in "$sl"/run/slurmd.pid "$sl"/run/slurmctld.pid "$sl"/munge/munged.pid; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
  done
}

# Writes slurm.conf for this host: one node with every CPU, one default partition,
# processes tracked by /proc, no task plugin, no accounting.
write_one_node_slurm_conf() {
  local sl=$1 ctld_port=$2 d_port=$3 node
  node=$(hostname -s)
  cat >"$sl/slurm.conf" <<CONF
ClusterName=simshard-test
SlurmctldHost=$node
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
AuthType=auth/munge
AuthInfo=socket=$sl/munge/munge.sock
StateSaveLocation=$sl/state
SlurmdSpoolDir=$sl/spool
SlurmctldPidFile=$sl/run/slurmctld.pid
SlurmdPidFile=$sl/run/slurmd.pid
SlurmctldLogFile=$sl/log/slurmctld.log
SlurmdLogFile=$sl/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$node CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
}

# Returns non-zero with a message on stderr when a daemon does not start or the node does
# not come up.
start_one_node_slurm() {
  local sl=$1 ports ctld_port d_port tool
  for tool in munged slurmctld slurmd sbatch squeue sinfo; do
    command -v "$tool" >/dev/null ||
      { echo "$tool is not installed (scripts/install-deps.sh installs slurm-wlm and munge)" >&2; return 1; }
  done
  mkdir -p "$sl"/{state,spool,log,run,munge}
  ONE_NODE_SLURM=$sl
  ports=$(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1",0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))')
  read -r ctld_port d_port <<<"$ports"
  write_one_node_slurm_conf "$sl" "$ctld_port" "$d_port"
  export SLURM_CONF=$sl/slurm.conf
  head -c 1024 /dev/urandom >"$sl/munge/munge.key" && chmod 600 "$sl/munge/munge.key"
  munged --force --key-file="$sl/munge/munge.key" --socket="$sl/munge/munge.sock" \
    --pid-file="$sl/munge/munged.pid" --log-file="$sl/munge/munged.log" --seed-file="$sl/munge/seed" ||
    { echo "munged did not start" >&2; return 1; }
  slurmctld -f "$SLURM_CONF" || { echo "slurmctld did not start: $(tail -5 "$sl/log/slurmctld.log")" >&2; return 1; }
  slurmd -f "$SLURM_CONF" || { echo "slurmd did not start: $(tail -5 "$sl/log/slurmd.log")" >&2; return 1; }
  for _ in $(seq 60); do
    sinfo --noheader --format=%t 2>/dev/null | grep -q idle && return 0
    sleep 0.5
  done
  echo "the one-node cluster did not come up: $(sinfo 2>&1)" >&2
  return 1
}
