// The ports a native swarm's nodes use themselves (plain data: the config schema reads it without loading
// any provider module).

/** Ports Docker Swarm uses between its nodes: cluster management, node gossip, overlay (VXLAN) traffic. */
export const SWARM_PORTS: readonly { readonly port: number; readonly protocol: "tcp" | "udp"; readonly purpose: string }[] = [
  { port: 2377, protocol: "tcp", purpose: "swarm cluster management (managers)" },
  { port: 7946, protocol: "tcp", purpose: "swarm node gossip" },
  { port: 7946, protocol: "udp", purpose: "swarm node gossip" },
  { port: 4789, protocol: "udp", purpose: "swarm overlay network (VXLAN)" },
];

export const SSH_PORT = 22;

/** Ports a service may not publish on a native swarm: SSH and the swarm's own, e.g. [22, 2377, 7946, 4789]. */
export const NATIVE_RESERVED_PORTS: readonly number[] = [...new Set([SSH_PORT, ...SWARM_PORTS.map((p) => p.port)])];
