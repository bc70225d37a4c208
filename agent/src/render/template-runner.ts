// Runs every template against the dependency tracker
// (https://github.com/hashicorp/consul-template/blob/main/manager/runner.go): a pass renders all
// templates, starts watches for dependencies seen for the first time, writes the templates whose
// dependencies are all present, then runs the commands of the ones that changed. Any change from a
// watch schedules another pass; nested dependencies are found over successive passes. A new token
// rebuilds the tracker, so every secret is fetched again with it
// (https://github.com/hashicorp/vault/blob/main/command/agent/template/template.go).
import type { TemplateConfig, TemplateRuntimeConfig } from '../config/agent-config.js';
import type { CompiledTemplate, RenderResult } from '../../../template/src/index.js';
import type { AgentLogger } from '../log.js';
import type { VaultClient } from '../vault/vault-client.js';
import { coerceError } from '../vault/vault-error.js';
import type { SecretRecord } from './dependency-tracker.js';
import { DependencyTracker } from './dependency-tracker.js';
import { SecretFetcher } from './secret-fetcher.js';
import { describeCommand, runTemplateCommand } from './run-command.js';
import { writeRenderedFileOutcome } from './write-rendered-file.js';
import { fileSideEffects, sandboxedSideEffects } from './write-to-file.js';
import { safeText, secretRegistry } from '../log/redaction.js';
import type { FileOwner } from './file-owner.js';
import { applyFileOwner } from './file-owner.js';
import { Quiescence } from './quiescence.js';
import type { AgentMetrics } from '../telemetry/agent-metrics.js';

/** One render pass over every template, for one tracker generation. */
interface PassState {
  readonly generation: number;
  readonly tracker: DependencyTracker;
  /** Dependencies some template used; the others are pruned when nothing was missing. */
  readonly used: Set<string>;
  anyMissing: boolean;
  environmentChanged: boolean;
  /** Commands of the files that changed, by command line. */
  readonly commands: Map<string, PreparedTemplate>;
}

export interface PreparedTemplate {
  readonly config: TemplateConfig;
  readonly compiled: CompiledTemplate;
  /** `user`/`group`, resolved at start. */
  readonly owner?: FileOwner;
}

export interface TemplateRunnerOptions {
  readonly templates: readonly PreparedTemplate[];
  readonly runtime: TemplateRuntimeConfig;
  readonly client: VaultClient;
  readonly namespace: string | undefined;
  readonly retry: { readonly baseMs: number; readonly maxMs: number; readonly attempts: number };
  readonly log: AgentLogger;
  readonly env: (name: string) => string | undefined;
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<boolean>;
  readonly random: () => number;
  /** Every template has been rendered (written or found identical) at least once. */
  readonly onAllRendered: () => void;
  /** A template, fetch or command failed for good; the runner has stopped itself. */
  readonly onFailure: (error: Error) => void;
  readonly onInvalidToken: (token: string) => void;
  /** A file that existed was replaced by different content (not called for a first write). */
  readonly onReplaced?: (destination: string) => void;
  /**
   * env_template values after a pass that changed one (every value so far, by variable name).
   * Values stay in memory only: never written, never logged.
   */
  readonly onEnvironment?: (values: ReadonlyMap<string, string>) => void;
  /** Telemetry: renders that changed a file or a variable, lease renewals. */
  readonly metrics?: AgentMetrics;
}

export class TemplateRunner {
  readonly #options: TemplateRunnerOptions;
  #tracker: DependencyTracker | undefined;
  #token: string | undefined;
  #generation = 0;
  #rendered = new Set<number>();
  #allRenderedReported = false;
  #passRunning: Promise<void> | undefined;
  #passRequested = false;
  #commandAbort = new AbortController();
  readonly #quiescence = new Map<number, Quiescence>();
  readonly #environment = new Map<string, string>();

  constructor(options: TemplateRunnerOptions) {
    this.#options = options;
  }

  /** The token the current tracker fetches with (undefined when stopped). */
  get token(): string | undefined {
    return this.#tracker === undefined ? undefined : this.#token;
  }

  /** Leased and written secrets held now, for the persistent cache. */
  secretRecords(): SecretRecord[] {
    return this.#tracker?.secretRecords() ?? [];
  }

  /**
   * Starts (or restarts with a new token) fetching and rendering. `seeds` are secrets restored
   * from the persistent cache that were fetched with this same token.
   */
  start(token: string, seeds?: readonly SecretRecord[]): void {
    this.#tracker?.stop();
    this.#token = token;
    this.#generation += 1;
    const generation = this.#generation;
    const options = this.#options;
    const fetcher = new SecretFetcher({
      client: options.client,
      token,
      log: options.log,
      now: options.now,
      leaseRenewalThreshold: options.runtime.leaseRenewalThreshold,
      namespace: options.namespace,
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    });
    this.#tracker = new DependencyTracker({
      fetcher,
      log: options.log,
      now: options.now,
      sleep: options.sleep,
      random: options.random,
      staticIntervalMs: options.runtime.staticSecretRenderIntervalMs,
      leaseRenewalThreshold: options.runtime.leaseRenewalThreshold,
      retry: options.retry,
      onChange: () => {
        if (generation === this.#generation) this.#schedulePass();
      },
      onFailure: (error) => {
        if (generation === this.#generation) this.#fail(error);
      },
      onInvalidToken: options.onInvalidToken,
      ...(seeds === undefined ? {} : { seeds }),
    });
    this.#schedulePass();
  }

  /** Stops every watch; waits for a pass in progress so no write is cut short. */
  async stop(): Promise<void> {
    this.#generation += 1;
    this.#tracker?.stop();
    this.#tracker = undefined;
    this.#commandAbort.abort();
    for (const gate of this.#quiescence.values()) gate.stop();
    await this.#passRunning;
  }

  #fail(error: Error): void {
    this.#generation += 1;
    this.#tracker?.stop();
    this.#tracker = undefined;
    this.#options.onFailure(error);
  }

  #schedulePass(): void {
    if (this.#passRunning !== undefined) {
      this.#passRequested = true;
      return;
    }
    this.#passRunning = (async () => {
      // Let other watches that are about to deliver do so first: one pass for a burst of updates.
      await new Promise<void>((resolve) => setImmediate(resolve));
      do {
        this.#passRequested = false;
        await this.#pass(this.#generation);
      } while (this.#shouldPassAgain());
    })().finally(() => {
      this.#passRunning = undefined;
    });
  }

  #shouldPassAgain(): boolean {
    return this.#passRequested && this.#tracker !== undefined;
  }

  async #pass(generation: number): Promise<void> {
    const tracker = this.#tracker;
    if (tracker === undefined) return;
    const { templates } = this.#options;
    const pass: PassState = { generation, tracker, used: new Set(), anyMissing: false, environmentChanged: false, commands: new Map() };
    for (const [index, template] of templates.entries()) {
      if (!(await this.#passTemplate(pass, index, template))) return;
    }
    if (!pass.anyMissing) tracker.prune(pass.used);
    if (pass.environmentChanged && generation === this.#generation) this.#options.onEnvironment?.(new Map(this.#environment));
    if (!(await this.#runCommands(pass))) return;
    if (!this.#allRenderedReported && this.#rendered.size === templates.length && generation === this.#generation) {
      this.#allRenderedReported = true;
      this.#options.onAllRendered();
    }
  }

  /** Renders one template and delivers its output; false when the pass must stop (superseded or failed). */
  async #passTemplate(pass: PassState, index: number, template: PreparedTemplate): Promise<boolean> {
    // Renders are synchronous: yield between templates so a SIGTERM (or a new token) is handled
    // promptly; one render is bounded by the template step budget.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (pass.generation !== this.#generation) return false;
    const result = this.#render(pass, template);
    if (result === undefined) return false;
    for (const dependency of result.dependencies) {
      pass.used.add(dependency.id);
      pass.tracker.ensure(dependency);
    }
    if (result.missing.length > 0 || result.output === undefined) {
      pass.anyMissing = true;
      return true;
    }
    if (!this.#quiet(index, template, result.output)) return true;
    const variable = template.config.environmentVariable;
    if (variable === undefined) return this.#writeTemplateFile(pass, index, template, result.output);
    this.#rendered.add(index);
    if (this.#environment.get(variable) !== result.output) {
      pass.environmentChanged = true;
      this.#options.metrics?.increment('template.rendered');
    }
    this.#environment.set(variable, result.output);
    return true;
  }

  /** undefined when the render failed (the runner has been told). */
  #render(pass: PassState, template: PreparedTemplate): RenderResult | undefined {
    try {
      const sandboxPath = template.config.sandboxPath;
      return template.compiled.render({
        store: pass.tracker,
        env: this.#options.env,
        destination: template.config.destination,
        sideEffects: sandboxPath === undefined ? fileSideEffects : sandboxedSideEffects(sandboxPath),
        ...(sandboxPath === undefined ? {} : { sandboxPath }),
      });
    } catch (error) {
      this.#failRedacted(pass.generation, `template ${template.config.destination}`, error);
      return undefined;
    }
  }

  async #writeTemplateFile(pass: PassState, index: number, template: PreparedTemplate, output: string): Promise<boolean> {
    const { generation } = pass;
    let changed: boolean;
    try {
      const outcome = await writeRenderedFileOutcome(template.config, output);
      changed = outcome !== 'unchanged';
      if (changed && template.owner !== undefined) await applyFileOwner(template.config.destination, template.owner);
      if (outcome === 'replaced' && generation === this.#generation) this.#options.onReplaced?.(template.config.destination);
    } catch (error) {
      this.#failRedacted(generation, `writing ${template.config.destination}`, error);
      return false;
    }
    if (generation !== this.#generation) return false;
    this.#rendered.add(index);
    if (changed) this.#recordChangedFile(pass, template);
    return true;
  }

  /** A file whose content changed: counted, logged, and its command queued (each distinct command once per pass). */
  #recordChangedFile(pass: PassState, template: PreparedTemplate): void {
    this.#options.metrics?.increment('template.rendered');
    this.#options.log.info({ destination: template.config.destination }, 'rendered template');
    const command = template.config.command;
    if (command === undefined) return;
    const key = JSON.stringify(command.command);
    if (!pass.commands.has(key)) pass.commands.set(key, template);
  }

  /** false when a command failed (the runner has been told). */
  async #runCommands(pass: PassState): Promise<boolean> {
    for (const template of pass.commands.values()) {
      const command = template.config.command;
      if (command === undefined || pass.generation !== this.#generation) continue;
      try {
        await runTemplateCommand(command, this.#commandAbort.signal);
        this.#options.log.info({ destination: template.config.destination, command: describeCommand(command.command) }, 'ran template command');
      } catch (error) {
        this.#failRedacted(pass.generation, `template ${template.config.destination}`, error);
        return false;
      }
    }
    return true;
  }

  /** `wait`: false while the template's render is held back until it has been quiet long enough. */
  #quiet(index: number, template: PreparedTemplate, output: string): boolean {
    const wait = template.config.wait;
    if (wait === undefined) return true;
    let gate = this.#quiescence.get(index);
    if (gate === undefined) {
      gate = new Quiescence(wait, this.#options.sleep, () => {
        if (this.#tracker !== undefined) this.#schedulePass();
      });
      this.#quiescence.set(index, gate);
    }
    return gate.offer(output);
  }

  /**
   * Error texts can quote values (e.g. a failed parseInt): every registered secret is replaced
   * (the Vault client registered everything the tracker holds) and the text is bounded.
   */
  #failRedacted(generation: number, context: string, error: unknown): void {
    if (generation !== this.#generation) return;
    const message = safeText(coerceError(error).message, secretRegistry, 4096);
    this.#fail(new Error(`${context}: ${message}`));
  }
}
