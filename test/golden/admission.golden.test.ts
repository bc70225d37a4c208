// Golden admission cases: one folder per case under test/golden/admission/ with the review as the
// API server sends it (request.json) and the injector's flags (injector.json). The response, the
// patched pod and the decoded agent configs are compared with the checked-in goldens, readable:
// the patch is shown decoded and VAULT_CONFIG values point at the decoded config files. Every
// case goes over real HTTPS to the webhook process.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { Operation } from 'fast-json-patch';
import type { AdmissionRequest, AdmissionResponse } from '../../webhook/src/inject/admission-review.js';
import { startWebhook, type WebhookProcess } from '../helpers/webhook-process.js';
import { applyPodPatch, validatePod } from '../helpers/api-server-validator.js';
import { compareGolden } from '../helpers/golden.js';

const GOLDEN_DIR = fileURLToPath(new URL('./admission/', import.meta.url));
const INPUT_FILES = ['request.json', 'injector.json'];
const OUTPUT_FILES = ['response.golden.json', 'pod.golden.yaml', 'agent-config.init.golden.json', 'agent-config.sidecar.golden.json'];

interface Review {
  apiVersion: string;
  kind: string;
  request: AdmissionRequest & { object: unknown };
}

/** One webhook process per distinct injector configuration, started on first use. */
const processes = new Map<string, Promise<WebhookProcess>>();

async function respond(review: Review, injector: { args: string[]; env: Record<string, string> }): Promise<AdmissionResponse> {
  const key = JSON.stringify(injector);
  let webhook = processes.get(key);
  if (webhook === undefined) {
    webhook = startWebhook({ args: injector.args, env: injector.env, defaultVaultAddress: false });
    processes.set(key, webhook);
  }
  const reply = await (await webhook).postReview(review);
  if (reply.status !== 200) throw new Error(`HTTP ${reply.status}: ${reply.body}`);
  return (reply.json as { response: AdmissionResponse }).response;
}

afterAll(async () => {
  await Promise.all([...processes.values()].map(async (webhook) => (await webhook).stop()));
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Replaces VAULT_CONFIG values inside agent containers by a pointer to the decoded file. */
function showConfigs(value: Json, configs: Map<string, unknown>, role?: string): Json {
  if (Array.isArray(value)) return value.map((item) => showConfigs(item, configs, role));
  if (value === null || typeof value !== 'object') return value;
  const name = value['name'];
  const ownRole = name === 'vault-agent-init' ? 'init' : name === 'vault-agent' ? 'sidecar' : role;
  if (name === 'VAULT_CONFIG' && typeof value['value'] === 'string' && ownRole !== undefined) {
    configs.set(ownRole, JSON.parse(Buffer.from(value['value'], 'base64').toString('utf8')));
    return { ...value, value: `<base64 of agent-config.${ownRole}.golden.json>` };
  }
  const result: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) result[key] = showConfigs(item, configs, ownRole);
  return result;
}

const cases = readdirSync(GOLDEN_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('golden admission cases', () => {
  it('covers the required scenarios', () => {
    expect(cases).toEqual(expect.arrayContaining(['istiod-init-first', 'deployment-three-secrets', 'job-pre-populate-only', 'configmap-mode', 'own-vault-secrets-volume']));
  });

  it.each(cases)('%s', async (name) => {
    const dir = join(GOLDEN_DIR, name);
    const stale = readdirSync(dir).filter((file) => !INPUT_FILES.includes(file) && !OUTPUT_FILES.includes(file));
    expect(stale).toEqual([]);
    const review = JSON.parse(readFileSync(join(dir, 'request.json'), 'utf8')) as Review;
    const injector = JSON.parse(readFileSync(join(dir, 'injector.json'), 'utf8')) as { args: string[]; env: Record<string, string> };
    const response = await respond(review, injector);
    const failures: string[] = [];
    const configs = new Map<string, unknown>();
    const patch = response.patch === undefined ? undefined : (JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as Operation[]);
    const shownResponse = { apiVersion: review.apiVersion, kind: 'AdmissionReview', response: { ...response, ...(patch === undefined ? {} : { patch }) } };
    const check = (file: string, text: string): void => {
      const problem = compareGolden(join(dir, file), text);
      if (problem !== undefined) failures.push(problem);
    };
    check('response.golden.json', `${JSON.stringify(showConfigs(shownResponse as unknown as Json, configs), null, 2)}\n`);
    if (patch !== undefined) {
      const pod = applyPodPatch(review.request.object, patch);
      expect(validatePod(pod)).toEqual([]);
      check('pod.golden.yaml', YAML.stringify(showConfigs(pod as Json, new Map()), { lineWidth: 0 }));
    } else {
      expect(existsSync(join(dir, 'pod.golden.yaml'))).toBe(false);
    }
    for (const role of ['init', 'sidecar']) {
      const config = configs.get(role);
      const file = `agent-config.${role}.golden.json`;
      if (config !== undefined) check(file, `${JSON.stringify(config, null, 2)}\n`);
      else expect(existsSync(join(dir, file))).toBe(false);
    }
    expect(failures).toEqual([]);
  });
});
