#!/bin/sh
# A compute node: loop device nodes as a real host's udev would have made them, then the agent, named by
# GANTRY_NODE, with its state on the real file system mounted at /var/lib/gantry and this host's address.
set -e
# Docker mounts /proc/sys read-only in a container that is not --privileged (which asks for capabilities this
# host may not have); the agent sets its zones' network sysctls there
mount -o remount,rw /proc/sys
for i in $(seq 0 255); do [ -e /dev/loop$i ] || mknod -m 660 /dev/loop$i b 7 $i; done
export GANTRY_STATE_DIR=/var/lib/gantry/state GANTRY_NODE_ADDRESS="$(hostname -i | cut -d' ' -f1)"
java -jar /opt/gantry/gantry.jar agent --zk "$GANTRY_ZK" --interval 1 --metrics-port -1 "$@" &
echo $! > /run/gantry-agent.pid
wait $! && status=0 || status=$?
# the harness stops the agent (after touching this file) to destroy the node's zones in a host that stays up
[ -e /run/gantry-agent.stopped ] && exec sleep infinity
exit $status
