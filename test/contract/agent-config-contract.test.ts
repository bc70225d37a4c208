// The contract between the two programs: every agent configuration document the webhook renders
// (golden cases, the upstream-derived sample cases, property-generated annotation sets) loads
// through the agent's real loader (loadAgentConfig, the function `vault-injector agent -config=…`
// calls) with zero rejections, and means to the agent what the document says.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { admit } from '../../webhook/src/inject/admit.js';
import type { AdmissionRequest } from '../../webhook/src/inject/admission-review.js';
import { parseSettings } from '../../webhook/src/settings/parse-settings.js';
import type { Settings } from '../../webhook/src/settings/settings.js';
import { loadAgentConfig } from '../../agent/src/config/load-agent-config.js';
import type { AgentConfigDocument } from '../../common/src/agent-config-document.js';
import { caseInvocation, caseReview, loadCases } from '../helpers/vault-k8s-cases.js';
import { annotationsArb, podArb, settingsArb, withAnnotations } from '../helpers/pod-arbitraries.js';
import { renderedAgentConfigs, type RenderedAgentConfig } from './rendered-agent-configs.js';

const GOLDEN_DIR = fileURLToPath(new URL('../golden/admission/', import.meta.url));
let scratch = '';

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'agent-contract-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function settingsFrom(args: string[], env: Record<string, string>): Settings {
  const parsed = parseSettings(args, env);
  if (parsed.kind !== 'settings') throw new Error(`settings: ${JSON.stringify(parsed)}`);
  return parsed.settings;
}

function admitted(request: AdmissionRequest, settings: Settings): RenderedAgentConfig[] {
  return renderedAgentConfigs(request.object, admit(request, settings).response);
}

let fileCount = 0;

/** Loads the document through the agent's loader from a file, as the agent container does. */
async function loadRendered(rendered: RenderedAgentConfig): Promise<void> {
  fileCount += 1;
  const file = join(scratch, `config-${fileCount}.json`);
  writeFileSync(file, rendered.text);
  const document = JSON.parse(rendered.text) as AgentConfigDocument;
  let config;
  try {
    config = await loadAgentConfig([file]);
  } catch (error) {
    throw new Error(`${rendered.container}: the agent rejects the webhook's config: ${String(error)}\n${rendered.text}`);
  }
  // The agent reads what the document says (not merely "no error").
  expect(config.exitAfterAuth).toBe(document.exit_after_auth);
  expect(config.templates.map((template) => template.destination)).toEqual((document.template ?? []).map((template) => template.destination));
  expect(config.autoAuth?.sinks.map((sink) => sink.path)).toEqual(document.auto_auth.sink.map((sink) => sink.config.path));
  expect(config.autoAuth?.method.type).toBe(document.auto_auth.method.type);
  expect(config.readyFile).toBe(document.ready_file);
  expect(config.persist?.path).toBe(document.cache?.persist?.path);
  expect(config.listeners.map((listener) => listener.address)).toEqual((document.listener ?? []).map((listener) => listener.address));
}

const goldenCases = readdirSync(GOLDEN_DIR, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();

describe('webhook → agent config contract', () => {
  it.each(goldenCases)('golden case %s: every rendered config loads', async (name) => {
    const dir = join(GOLDEN_DIR, name);
    const review = JSON.parse(readFileSync(join(dir, 'request.json'), 'utf8')) as { request: AdmissionRequest };
    const injector = JSON.parse(readFileSync(join(dir, 'injector.json'), 'utf8')) as { args: string[]; env: Record<string, string> };
    for (const rendered of admitted(review.request, settingsFrom(injector.args, injector.env))) await loadRendered(rendered);
  });

  const sampleCases = loadCases('admission');

  it('sample cases: every rendered config loads', async () => {
    let loaded = 0;
    for (const testCase of sampleCases) {
      const { args, env } = caseInvocation(testCase);
      const review = caseReview(testCase) as { request: AdmissionRequest };
      for (const rendered of admitted(review.request, settingsFrom(args, env))) {
        await loadRendered(rendered);
        loaded += 1;
      }
    }
    // Most sample cases inject with a generated config (the rest are denials or ConfigMap mode).
    expect(loaded).toBeGreaterThan(100);
  });

  it('property: for generated pods and annotation sets, every rendered config loads', async () => {
    let loaded = 0;
    await fc.assert(
      fc.asyncProperty(podArb, annotationsArb, settingsArb, async (pod, annotations, settings) => {
        const request = { uid: 'u', namespace: 'apps', object: withAnnotations(pod, annotations) } as AdmissionRequest;
        for (const rendered of admitted(request, settings)) {
          await loadRendered(rendered);
          loaded += 1;
        }
      }),
      { numRuns: 150 },
    );
    expect(loaded).toBeGreaterThan(50);
  });
});

describe('a Vault Agent method this agent does not implement', () => {
  it('loads, and the agent refuses it at start with exit 1 naming the method', async () => {
    const { spawnSync } = await import('node:child_process');
    const file = join(scratch, 'kerberos.json');
    const document: AgentConfigDocument = {
      auto_auth: { method: { type: 'kerberos', mount_path: 'auth/kerberos', config: { role: 'r' } }, sink: [{ type: 'file', config: { path: join(scratch, 'token') } }] },
      exit_after_auth: true,
      pid_file: '',
      vault: { address: 'http://127.0.0.1:1' },
      template_config: { exit_on_retry_failure: true },
    };
    writeFileSync(file, JSON.stringify(document));
    await expect(loadAgentConfig([file])).resolves.toMatchObject({ autoAuth: { method: { type: 'kerberos' } } });
    const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
    const run = spawnSync(process.execPath, [cli, 'agent', `-config=${file}`], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr + run.stdout).toContain('auth method \\"kerberos\\" is not implemented by this agent');
  });
});
