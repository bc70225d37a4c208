// Evaluates a NetworkPolicy the way an enforcing network plugin does for one connection, from the
// API's documented semantics (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
// a policy isolates the pods its podSelector selects in the directions its policyTypes name; a
// connection is then allowed when some rule matches both its port (no `ports`: every port) and its
// peer (no `from`/`to`: every peer). Protocol defaults to TCP; a named port resolves against the
// selected pod's container ports.
import { selectorMatches, type LabelSelector } from './label-selector.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface PolicyPort {
  readonly protocol?: Protocol;
  readonly port?: number | string;
  readonly endPort?: number;
}

export interface PolicyPeer {
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
  readonly namespaceSelector?: LabelSelector;
  readonly podSelector?: LabelSelector;
}

export interface NetworkPolicy {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes?: readonly ('Ingress' | 'Egress')[];
    readonly ingress?: readonly { readonly from?: readonly PolicyPeer[]; readonly ports?: readonly PolicyPort[] }[];
    readonly egress?: readonly { readonly to?: readonly PolicyPeer[]; readonly ports?: readonly PolicyPort[] }[];
  };
}

/** The other end of a connection: an address outside the cluster, or a pod in a namespace. */
export type Peer =
  | { readonly ip: string }
  | { readonly ip: string; readonly namespace: string; readonly namespaceLabels: Readonly<Record<string, string>>; readonly podLabels: Readonly<Record<string, string>> };

export interface SelectedPod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly containerPorts: readonly { readonly name?: string; readonly containerPort: number; readonly protocol?: Protocol }[];
}

function ipv4(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) throw new Error(`not an IPv4 address: ${address}`);
  return parts.reduce((sum, part) => sum * 256 + part, 0);
}

export function inCidr(address: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (base === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const size = 2 ** (32 - prefix);
  return Math.floor(ipv4(address) / size) === Math.floor(ipv4(base) / size);
}

function portMatches(rule: PolicyPort, port: number, protocol: Protocol, pod: SelectedPod | undefined): boolean {
  if ((rule.protocol ?? 'TCP') !== protocol) return false;
  if (rule.port === undefined) return true;
  if (typeof rule.port === 'string') {
    // A named port only resolves on the selected pod (ingress); on egress it names the peer's port,
    // which this evaluator never needs.
    const named = pod?.containerPorts.find((p) => p.name === rule.port && (p.protocol ?? 'TCP') === protocol);
    return named?.containerPort === port;
  }
  return rule.endPort === undefined ? rule.port === port : port >= rule.port && port <= rule.endPort;
}

function peerMatches(rule: PolicyPeer, peer: Peer, policyNamespace: string): boolean {
  if (rule.ipBlock !== undefined) {
    return inCidr(peer.ip, rule.ipBlock.cidr) && !(rule.ipBlock.except ?? []).some((cidr) => inCidr(peer.ip, cidr));
  }
  if (!('namespace' in peer)) return false;
  const namespaceOk = rule.namespaceSelector === undefined ? peer.namespace === policyNamespace : selectorMatches(rule.namespaceSelector, peer.namespaceLabels);
  const podOk = rule.podSelector === undefined || selectorMatches(rule.podSelector, peer.podLabels);
  return namespaceOk && podOk;
}

export function selects(policy: NetworkPolicy, pod: Pick<SelectedPod, 'namespace' | 'labels'>): boolean {
  return pod.namespace === policy.metadata.namespace && selectorMatches(policy.spec.podSelector, pod.labels);
}

/** Would `policy` (the only one in the namespace) let this connection through? */
export function allows(
  policy: NetworkPolicy,
  pod: SelectedPod,
  direction: 'Ingress' | 'Egress',
  connection: { readonly peer: Peer; readonly port: number; readonly protocol: Protocol },
): boolean {
  if (!selects(policy, pod)) return true;
  const types = policy.spec.policyTypes ?? (policy.spec.egress === undefined ? ['Ingress'] : ['Ingress', 'Egress']);
  if (!types.includes(direction)) return true;
  const rules = direction === 'Ingress'
    ? (policy.spec.ingress ?? []).map((rule) => ({ peers: rule.from, ports: rule.ports }))
    : (policy.spec.egress ?? []).map((rule) => ({ peers: rule.to, ports: rule.ports }));
  return rules.some((rule) =>
    (rule.ports === undefined || rule.ports.length === 0 || rule.ports.some((port) => portMatches(port, connection.port, connection.protocol, direction === 'Ingress' ? pod : undefined))) &&
    (rule.peers === undefined || rule.peers.length === 0 || rule.peers.some((peer) => peerMatches(peer, connection.peer, policy.metadata.namespace))),
  );
}

/** Every (protocol, port) in 1..65535 the policy lets through to/from `peer`, as "TCP/8080". */
export function openPorts(policy: NetworkPolicy, pod: SelectedPod, direction: 'Ingress' | 'Egress', peer: Peer): string[] {
  const open: string[] = [];
  for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) {
    for (let port = 1; port <= 65_535; port += 1) {
      if (allows(policy, pod, direction, { peer, port, protocol })) open.push(`${protocol}/${port}`);
    }
  }
  return open;
}
