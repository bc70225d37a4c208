// `vault-injector inject -f FILE|-`: the webhook's own admit() run offline over manifests, the way
// `istioctl kube-inject` previews istio's injection. Every pod template (Pod, Deployment,
// StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, inside Lists too) is admitted exactly as the
// API server would send it, and the patch is written back into the manifest: YAML keeps its
// comments and key order, JSON comes back as JSON. Problems go to stderr naming the object.
import { readFile } from 'node:fs/promises';
import { Buffer } from 'node:buffer';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { type Document, parseAllDocuments } from 'yaml';
import { admit } from '../inject/admit.js';
import { parseInjectionSpec } from '../inject/annotations/parse-annotations.js';
import { parseSettings, type Environment } from '../settings/parse-settings.js';
import type { Settings } from '../settings/settings.js';
import { explainInjection } from './explain.js';
import { serviceAccountVolumeOps } from './service-account-volume.js';
import { findPodTemplates, podFromTemplate, type PodTemplateLocation } from './pod-templates.js';
import { applyPatchToYaml } from './yaml-patch.js';

/** Used when neither -vault-address nor AGENT_INJECT_VAULT_ADDR is given: the usual in-cluster Service. */
export const OFFLINE_VAULT_ADDRESS = 'https://vault.vault.svc:8200';
/** Manifests larger than this are refused: a preview tool, not a bulk converter. */
const MAX_INPUT_BYTES = 32 * 1024 * 1024;

export interface InjectOptions {
  readonly file: string;
  readonly explain: boolean;
  readonly strict: boolean;
  readonly namespace: string;
  readonly settingsArgs: readonly string[];
}

export interface InjectIo {
  readonly stdin: () => Promise<string>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Environment;
}

const USAGE = `Usage: vault-injector inject -f FILE|- [--explain] [--strict] [-n NAMESPACE] [agent-inject flags]

Runs the webhook's admission offline over Kubernetes manifests (YAML or JSON; Pod, Deployment,
StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, List) and writes them back injected.
  -f, --filename FILE   manifest file, or - for stdin
  --explain             also print, per pod template, what was injected and why (stderr)
  --strict              exit 1 on warnings as well as denials
  -n, --namespace NS    namespace for objects that name none (default "default")
Every agent-inject flag and AGENT_INJECT_* variable applies; without one, the Vault address
defaults to ${OFFLINE_VAULT_ADDRESS}.
Exit status: 0 all admitted, 1 something denied (or warned, with --strict), 2 usage or input error.
`;

type ParsedArgs = { kind: 'options'; options: InjectOptions } | { kind: 'help' } | { kind: 'error'; message: string };

function takeValue(args: readonly string[], index: number, name: string): { value: string; next: number } | string {
  const arg = args[index] ?? '';
  const equals = arg.indexOf('=');
  if (equals > 0) return { value: arg.slice(equals + 1), next: index + 1 };
  const value = args[index + 1];
  return value === undefined ? `flag needs an argument: ${name}` : { value, next: index + 2 };
}

/** A Map, so an argument such as `constructor` is no flag of ours (it goes to the settings parser). */
const OWN_FLAGS: ReadonlyMap<string, 'file' | 'namespace' | 'explain' | 'strict' | 'help'> = new Map([
  ['-f', 'file'],
  ['--filename', 'file'],
  ['-filename', 'file'],
  ['-n', 'namespace'],
  ['--namespace', 'namespace'],
  ['-namespace', 'namespace'],
  ['--explain', 'explain'],
  ['-explain', 'explain'],
  ['--strict', 'strict'],
  ['-strict', 'strict'],
  ['-h', 'help'],
  ['--help', 'help'],
]);

export function parseInjectArgs(args: readonly string[]): ParsedArgs {
  const options = { file: '', explain: false, strict: false, namespace: 'default', settingsArgs: [] as string[] };
  for (let index = 0; index < args.length; ) {
    const arg = args[index] ?? '';
    const flag = OWN_FLAGS.get(arg.split('=')[0] ?? '');
    if (flag === 'help') return { kind: 'help' };
    if (flag === 'explain' || flag === 'strict') {
      options[flag] = true;
      index += 1;
    } else if (flag === 'file' || flag === 'namespace') {
      const taken = takeValue(args, index, arg.split('=')[0] ?? arg);
      if (typeof taken === 'string') return { kind: 'error', message: taken };
      options[flag] = taken.value;
      index = taken.next;
    } else {
      options.settingsArgs.push(arg);
      index += 1;
    }
  }
  if (options.file === '') return { kind: 'error', message: 'missing -f FILE (use -f - to read stdin)' };
  return { kind: 'options', options };
}

function offlineSettings(args: readonly string[], env: Environment): { settings: Settings } | { problems: readonly string[] } {
  const hasAddress = args.some((arg) => /^--?vault-address(=|$)/.test(arg)) || (env.AGENT_INJECT_VAULT_ADDR ?? '') !== '';
  const result = parseSettings(hasAddress ? args : [`-vault-address=${OFFLINE_VAULT_ADDRESS}`, ...args], env);
  if (result.kind === 'settings') return { settings: result.settings };
  if (result.kind === 'help') return { problems: ['-help is not an inject flag; see vault-injector inject --help'] };
  return { problems: result.problems };
}

interface Tally {
  denied: number;
  warned: number;
}

interface PodOutcome {
  /** Everything that changes the template: the ServiceAccount plugin's volume, then the webhook's patch. */
  readonly patch: Operation[] | undefined;
  readonly pod: Record<string, unknown>;
}

function admitTemplate(template: Record<string, unknown>, location: PodTemplateLocation, context: Context): PodOutcome {
  // What the API server's ServiceAccount plugin would have added before calling the webhook.
  const serviceAccountOps = serviceAccountVolumeOps(podFromTemplate(template));
  const pod = fastJsonPatch.applyPatch(podFromTemplate(structuredClone(template)), serviceAccountOps, true, false).newDocument;
  const namespace = location.namespace || context.options.namespace;
  const outcome = admit({ uid: `inject-${location.owner}`, operation: 'CREATE', namespace, object: pod }, context.settings);
  const where = `${location.owner} (namespace ${namespace})`;
  for (const warning of outcome.response.warnings ?? []) {
    context.tally.warned += 1;
    context.io.stderr(`warning: ${where}: ${warning}\n`);
  }
  if (outcome.decision === 'denied') {
    context.tally.denied += 1;
    context.io.stderr(`denied: ${where}: ${outcome.reason}\n`);
    return { patch: undefined, pod };
  }
  if (outcome.decision === 'skipped') {
    if (context.options.explain) context.io.stderr(`${location.owner}: not injected: ${outcome.reason}\n\n`);
    return { patch: undefined, pod };
  }
  const patch = JSON.parse(Buffer.from(outcome.response.patch ?? '', 'base64').toString('utf8')) as Operation[];
  const mutated = fastJsonPatch.applyPatch(structuredClone(pod), patch, true, false).newDocument;
  if (context.options.explain) {
    const { spec } = parseInjectionSpec(pod, namespace, context.settings);
    context.io.stderr(explainInjection(location.owner, spec, mutated));
  }
  return { patch: [...serviceAccountOps, ...patch], pod };
}

interface Context {
  readonly options: InjectOptions;
  readonly settings: Settings;
  readonly io: InjectIo;
  readonly tally: Tally;
}

function templateAt(root: unknown, path: readonly (string | number)[]): Record<string, unknown> {
  let node = root;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  return node as Record<string, unknown>;
}

function injectJson(text: string, context: Context): string {
  const root = JSON.parse(text) as unknown;
  for (const location of findPodTemplates(root)) {
    const template = templateAt(root, location.path);
    const { patch } = admitTemplate(template, location, context);
    if (patch !== undefined) {
      const patched = fastJsonPatch.applyPatch(podFromTemplate(template), patch, true, false).newDocument;
      template.metadata = patched.metadata;
      template.spec = patched.spec;
    }
  }
  return `${JSON.stringify(root, null, 2)}\n`;
}

function injectYamlDocument(document: Document, index: number, context: Context): void {
  if (document.errors.length > 0) throw new InputError(`document ${index + 1}: ${document.errors[0]?.message ?? 'invalid YAML'}`);
  const root = document.toJS({ maxAliasCount: 100 }) as unknown;
  for (const location of findPodTemplates(root)) {
    const { patch } = admitTemplate(templateAt(root, location.path), location, context);
    if (patch !== undefined) applyPatchToYaml(document, location.path, patch);
  }
}

class InputError extends Error {}

function injectText(text: string, context: Context): string {
  if (/^\s*[[{]/.test(text)) {
    try {
      return injectJson(text, context);
    } catch (error) {
      if (error instanceof SyntaxError) throw new InputError(`invalid JSON: ${error.message}`);
      throw error;
    }
  }
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(documents) ? documents : [];
  list.forEach((document, index) => {
    injectYamlDocument(document, index, context);
  });
  return list.map((document) => document.toString()).join('');
}

async function readInput(file: string, io: InjectIo): Promise<string> {
  const text = file === '-' ? await io.stdin() : await readFile(file, 'utf8');
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) throw new InputError(`${file}: larger than ${MAX_INPUT_BYTES} bytes`);
  return text;
}

export async function runInject(options: InjectOptions, io: InjectIo): Promise<number> {
  const configured = offlineSettings(options.settingsArgs, io.env);
  if ('problems' in configured) {
    io.stderr(configured.problems.map((problem) => `error: ${problem}\n`).join(''));
    return 2;
  }
  const context: Context = { options, settings: configured.settings, io, tally: { denied: 0, warned: 0 } };
  let output: string;
  try {
    output = injectText(await readInput(options.file, io), context);
  } catch (error) {
    if (!(error instanceof InputError) && !(error instanceof Error && 'code' in error)) throw error;
    io.stderr(`error: ${options.file === '-' ? 'stdin' : options.file}: ${error.message}\n`);
    return 2;
  }
  io.stdout(output);
  const failed = context.tally.denied > 0 || (options.strict && context.tally.warned > 0);
  return failed ? 1 : 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) throw new InputError(`stdin: larger than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The CLI entry: `vault-injector inject …`. */
export async function runInjectCommand(args: readonly string[]): Promise<number> {
  const parsed = parseInjectArgs(args);
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`error: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  return runInject(parsed.options, {
    stdin: readStdin,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  });
}
