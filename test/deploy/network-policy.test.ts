// deploy/network-policy.yaml (issue 10): it selects exactly the injector pods, lets in only TCP on
// the webhook's listen port (which the Service, the probes and the telemetry path use), lets out
// only the Kubernetes API ports the in-cluster client dials, and docs/install.md's narrowing
// overlay keeps those and shuts everyone else out. Connections are judged by ./network-policy.ts,
// an evaluator of the NetworkPolicy API's documented semantics.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import { parse } from 'yaml';

import { findObject, loadAllManifests, type LoadedManifest } from './load-manifests.js';
import { allows, openPorts, selects, type NetworkPolicy, type Peer, type SelectedPod } from './network-policy.js';

interface Container {
  env: { name: string; value?: string }[];
  ports: { name: string; containerPort: number; protocol?: 'TCP' }[];
  [probe: string]: unknown;
}
interface Deployment {
  metadata: { namespace: string };
  spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } } };
}

const manifests: LoadedManifest[] = loadAllManifests();
const policy = findObject<NetworkPolicy>(manifests, 'NetworkPolicy');
const deployment = findObject<Deployment>(manifests, 'Deployment');
const service = findObject<{ spec: { ports: { targetPort: string | number }[] } }>(manifests, 'Service');
const container = deployment.spec.template.spec.containers[0]!;
const env = new Map(container.env.map((variable) => [variable.name, variable.value]));
const injectorPod: SelectedPod = { namespace: deployment.metadata.namespace, labels: deployment.spec.template.metadata.labels, containerPorts: container.ports };

const apiServer: Peer = { ip: '10.0.0.5' };
const managedApiServer: Peer = { ip: '35.190.4.7' };
const prometheus: Peer = { ip: '10.244.3.9', namespace: 'monitoring', namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' }, podLabels: { 'app.kubernetes.io/name': 'prometheus' } };
const appPod: Peer = { ip: '10.244.1.20', namespace: 'shop', namespaceLabels: { 'kubernetes.io/metadata.name': 'shop' }, podLabels: { app: 'web' } };
const kubernetesService: Peer = { ip: '10.96.0.1' };
const dns: Peer = { ip: '10.96.0.10' };
const internet: Peer = { ip: '8.8.8.8' };

const listenPort = Number((env.get('AGENT_INJECT_LISTEN') ?? '').split(':').at(-1));

describe('deploy/network-policy.yaml', () => {
  test('selects the injector pods and nothing else in the namespace', () => {
    expect(selects(policy, injectorPod)).toBe(true);
    expect(selects(policy, { namespace: injectorPod.namespace, labels: { app: 'web' } })).toBe(false);
    expect(selects(policy, { namespace: 'shop', labels: injectorPod.labels })).toBe(false);
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  test('the listen port is the one the Service targets, the probes call and the metrics share', () => {
    expect(listenPort).toBe(8080);
    const target = service.spec.ports[0]!.targetPort;
    expect(container.ports.find((port) => port.name === target || port.containerPort === target)?.containerPort).toBe(listenPort);
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const port = (container[probe] as { httpGet: { port: string } }).httpGet.port;
      expect(container.ports.find((p) => p.name === port)?.containerPort).toBe(listenPort);
    }
    // /metrics is a route of the same HTTPS listener (webhook/src/app.ts), not a port of its own.
    expect(env.get('AGENT_INJECT_TELEMETRY_PATH')).toBe('/metrics');
    expect(container.ports).toHaveLength(1);
  });

  test.each([
    ['the API server (node range)', apiServer],
    ['a managed API server outside the cluster', managedApiServer],
    ['Prometheus', prometheus],
  ])('ingress: exactly TCP on the listen port from %s', (_name, peer) => {
    expect(openPorts(policy, injectorPod, 'Ingress', peer)).toEqual([`TCP/${listenPort}`]);
  });

  test('egress: exactly TCP 443 and 6443, to the kubernetes Service or its endpoints; no DNS, no Vault', () => {
    expect(openPorts(policy, injectorPod, 'Egress', kubernetesService)).toEqual(['TCP/443', 'TCP/6443']);
    expect(openPorts(policy, injectorPod, 'Egress', apiServer)).toEqual(['TCP/443', 'TCP/6443']);
    expect(allows(policy, injectorPod, 'Egress', { peer: dns, port: 53, protocol: 'UDP' })).toBe(false);
    expect(allows(policy, injectorPod, 'Egress', { peer: dns, port: 53, protocol: 'TCP' })).toBe(false);
    const vault = new URL(env.get('AGENT_INJECT_VAULT_ADDR') ?? '');
    expect(vault.port).toBe('8200');
    expect(allows(policy, injectorPod, 'Egress', { peer: { ip: '10.96.20.30' }, port: Number(vault.port), protocol: 'TCP' })).toBe(false);
  });

  test('the in-cluster client dials KUBERNETES_SERVICE_HOST:PORT, an address and a port the policy lets out', () => {
    const prefix = mkdtempSync(join(tmpdir(), 'in-cluster-'));
    const saved = { host: process.env['KUBERNETES_SERVICE_HOST'], port: process.env['KUBERNETES_SERVICE_PORT'] };
    try {
      mkdirSync(join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount'), { recursive: true });
      for (const file of ['token', 'ca.crt', 'namespace']) writeFileSync(join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount', file), 'x');
      process.env['KUBERNETES_SERVICE_HOST'] = kubernetesService.ip;
      process.env['KUBERNETES_SERVICE_PORT'] = '443';
      const config = new KubeConfig();
      config.loadFromCluster(prefix);
      const server = new URL(config.getCurrentCluster()?.server ?? '');
      expect(server.hostname).toBe(kubernetesService.ip);
      expect(allows(policy, injectorPod, 'Egress', { peer: { ip: server.hostname }, port: Number(server.port || 443), protocol: 'TCP' })).toBe(true);
    } finally {
      if (saved.host === undefined) delete process.env['KUBERNETES_SERVICE_HOST'];
      else process.env['KUBERNETES_SERVICE_HOST'] = saved.host;
      if (saved.port === undefined) delete process.env['KUBERNETES_SERVICE_PORT'];
      else process.env['KUBERNETES_SERVICE_PORT'] = saved.port;
      rmSync(prefix, { recursive: true, force: true });
    }
  });

  test('a policy that also opened DNS would fail the egress check (the check can fail)', () => {
    const loose = structuredClone(policy) as unknown as { spec: { egress: { ports: { protocol: string; port: number }[] }[] } };
    loose.spec.egress.push({ ports: [{ protocol: 'UDP', port: 53 }] });
    expect(openPorts(loose as unknown as NetworkPolicy, injectorPod, 'Egress', dns)).toEqual(['TCP/443', 'TCP/6443', 'UDP/53']);
  });
});

describe('docs/install.md#network-policy: the narrowing overlay', () => {
  const guide = readFileSync(new URL('../../docs/install.md', import.meta.url), 'utf8');
  const section = guide.slice(guide.indexOf('### Network policy'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const overlay = parse(block) as { patches: { target: { kind: string; name: string }; patch: string }[] };
  const patch = overlay.patches[0]!;
  const narrowed = fastJsonPatch.applyPatch(structuredClone(policy), parse(patch.patch) as fastJsonPatch.Operation[], true, false).newDocument;

  test('targets the NetworkPolicy deploy/ ships', () => {
    expect(patch.target).toEqual({ kind: 'NetworkPolicy', name: policy.metadata.name });
  });

  test('keeps the API server and Prometheus on the listen port, shuts out other pods and addresses', () => {
    expect(openPorts(narrowed, injectorPod, 'Ingress', apiServer)).toEqual([`TCP/${listenPort}`]);
    expect(openPorts(narrowed, injectorPod, 'Ingress', prometheus)).toEqual([`TCP/${listenPort}`]);
    expect(openPorts(narrowed, injectorPod, 'Ingress', appPod)).toEqual([]);
    expect(openPorts(narrowed, injectorPod, 'Ingress', managedApiServer)).toEqual([]);
  });

  test('keeps the kubernetes Service and its endpoints out, shuts everything else', () => {
    expect(openPorts(narrowed, injectorPod, 'Egress', kubernetesService)).toEqual(['TCP/443', 'TCP/6443']);
    expect(openPorts(narrowed, injectorPod, 'Egress', apiServer)).toEqual(['TCP/443', 'TCP/6443']);
    expect(allows(narrowed, injectorPod, 'Egress', { peer: internet, port: 443, protocol: 'TCP' })).toBe(false);
  });
});
