#!/bin/sh
# A compute node: loop device nodes as a real host's udev would have made them, then the agent, named by
# GANTRY_NODE, with its state on the real file system mounted at /var/lib/gantry and this host's address.
set -e
# Docker mounts /proc/sys read-only in a container that is not --privileged (which asks for capabilities this
# host may not have); the agent sets its zones' network sysctls there
mount -o remount,rw /proc/sys
# loop-control hands out any free index, and other users of this host may hold hundreds already: nodes up to 256
# past the highest loop device the host has, made in one process (perl-base's raw mknod(2), x86-64 number 133)
# since a mknod command each would take a minute on a loaded host at every start
top=$(ls /sys/block | sed -n 's/^loop//p' | sort -n | tail -1)
perl -e 'for my $i (0 .. $ARGV[0]) { my $p = "/dev/loop$i"; next if -e $p;
    syscall(133, $p, 0060660, ($i & 0xff) | (7 << 8) | (($i & ~0xff) << 12)) == 0 or die "mknod $p: $!\n" }' $(( ${top:-0} + 256 ))
export GANTRY_STATE_DIR=/var/lib/gantry/state GANTRY_NODE_ADDRESS="$(hostname -i | cut -d' ' -f1)"
java -jar /opt/gantry/gantry.jar agent --zk "$GANTRY_ZK" --interval 1 --metrics-port -1 "$@" &
echo $! > /run/gantry-agent.pid
wait $! && status=0 || status=$?
# the harness stops the agent (after touching this file) to destroy the node's zones in a host that stays up
[ -e /run/gantry-agent.stopped ] && exec sleep infinity
exit $status
