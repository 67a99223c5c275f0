// The readiness marker of a native swarm node: the bootstrap script (user data) writes this file as its
// last step, once the node is in the swarm and its SSH user is in the docker group; the service
// provisioner's first SSH session waits for it (constructs/scripts/service-lib.sh, wait_for_node) before
// the deploy script runs in a second session. One constant, read by both sides.
export const NATIVE_READY_MARKER = "/var/lib/ha-site/bootstrap-done";
