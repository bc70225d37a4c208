// Points the real @kubernetes/client-node at the fake: a KubeConfig (or kubeconfig file, for
// spawned processes) with the fake's URL, its test CA and a bearer token.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

import type { FakeKubeApi } from './fake-kube-api.js';

function options(api: FakeKubeApi, token: string): Parameters<KubeConfig['loadFromOptions']>[0] {
  return {
    clusters: [{ name: 'fake', server: api.url, caData: Buffer.from(api.caPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'injector', token }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'injector' }],
    currentContext: 'fake',
  };
}

export function kubeConfigFor(api: FakeKubeApi, token: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions(options(api, token));
  return config;
}

/** Writes a kubeconfig file (for KUBECONFIG=… in a spawned injector); returns its path. */
export function writeKubeconfigFile(dir: string, api: FakeKubeApi, token: string): string {
  const file = join(dir, `kubeconfig-${token}.yaml`);
  const document = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake', cluster: { server: api.url, 'certificate-authority-data': Buffer.from(api.caPem).toString('base64') } }],
    users: [{ name: 'injector', user: { token } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'injector' } }],
    'current-context': 'fake',
  };
  writeFileSync(file, stringify(document), { mode: 0o600 });
  return file;
}
