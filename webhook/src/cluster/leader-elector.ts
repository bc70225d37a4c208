// The leader-election loop (-use-leader-elector): every retry period, read the Lease and act on
// decideLease(). The leader renews; if renewing keeps failing past the renew deadline it steps
// down on its own (the Lease is about to be taken over by someone else anyway). On stop, a leader
// releases the Lease so a follower takes over at once instead of after leaseDuration.
// Transitions are logged as structured events: leader-election.acquired / .lost / .following /
// .released, and .error for failed calls.
import type { ClusterApi, LeaseObject } from './cluster-api.js';
import type { ClusterApiError} from './cluster-api-error.js';
import { toClusterApiError } from './cluster-api-error.js';
import type { EventLogger } from './event-logger.js';
import { decideLease, observe, releasedLease, type LeaseObservation } from './lease-decision.js';
import { WakeableSleep } from './wakeable-sleep.js';

export interface LeaderElectorOptions {
  readonly api: ClusterApi;
  readonly namespace: string;
  readonly leaseName: string;
  /** This replica's identity (POD_NAME). */
  readonly identity: string;
  readonly logger: EventLogger;
  /** client-go defaults: 15 s lease, 10 s renew deadline, 2 s retry period. */
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  readonly nowMs?: () => number;
}

export class LeaderElector {
  private leader = false;
  private lastRenewMs = 0;
  private observation: LeaseObservation | undefined;
  private followedHolder: string | undefined;
  private readonly listeners = new Set<(leader: boolean) => void>();
  private readonly sleeper = new WakeableSleep();
  private readonly nowMs: () => number;
  private readonly leaseDurationSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private lastLease: LeaseObject | undefined;

  constructor(private readonly options: LeaderElectorOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    this.leaseDurationSeconds = Math.max(1, Math.round((options.leaseDurationMs ?? 15_000) / 1000));
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
  }

  get identity(): string {
    return this.options.identity;
  }

  isLeader(): boolean {
    return this.leader;
  }

  /** Called with true on becoming leader and false on losing it. Returns an unsubscribe. */
  onChange(listener: (leader: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs until `signal` aborts, then releases the Lease if held. Never throws. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.attempt();
      await this.sleeper.sleep(this.retryPeriodMs, signal);
    }
    await this.release();
  }

  /** One read-decide-write round. */
  async attempt(): Promise<void> {
    const { api, namespace, leaseName, identity } = this.options;
    try {
      const current = await this.read();
      this.observation = observe(current, this.observation, this.nowMs());
      const decision = decideLease({
        current,
        observation: this.observation,
        identity,
        namespace,
        name: leaseName,
        leaseDurationSeconds: this.leaseDurationSeconds,
        nowMs: this.nowMs(),
      });
      if (decision.action === 'follow') {
        this.setLeader(false, decision.holder);
        return;
      }
      const written = decision.action === 'create' ? await api.createLease(decision.lease) : await api.replaceLease(decision.lease);
      this.lastLease = written;
      this.observation = observe(written, undefined, this.nowMs());
      this.lastRenewMs = this.nowMs();
      if (!this.leader) {
        this.options.logger.info(
          {
            event: 'leader-election.acquired',
            lease: leaseName,
            identity,
            how: decision.action,
            ...(decision.action === 'take-over' ? { previousHolder: decision.previousHolder } : {}),
            leaseTransitions: written.leaseTransitions,
          },
          'became leader',
        );
      }
      this.setLeader(true, identity);
    } catch (caught) {
      this.onFailure(toClusterApiError(caught, `leader election on leases/${leaseName}`));
    }
  }

  private async read(): Promise<LeaseObject | undefined> {
    try {
      return await this.options.api.readLease(this.options.namespace, this.options.leaseName);
    } catch (caught) {
      const error = toClusterApiError(caught, `get leases/${this.options.leaseName}`);
      if (error.kind === 'not-found') return undefined;
      throw error;
    }
  }

  private onFailure(error: ClusterApiError): void {
    // A lost race (409 conflict / already exists) is normal between replicas, not an error.
    const race = error.kind === 'conflict' || error.kind === 'already-exists';
    if (!race) {
      this.options.logger.warn(
        { event: 'leader-election.error', lease: this.options.leaseName, kind: error.kind, status: error.status, err: error.message },
        'leader election call failed',
      );
    }
    if (this.leader && (race || this.nowMs() - this.lastRenewMs > this.renewDeadlineMs)) this.setLeader(false, undefined);
  }

  private setLeader(leader: boolean, holder: string | undefined): void {
    if (!leader && holder !== undefined && holder !== this.followedHolder) {
      this.options.logger.info({ event: 'leader-election.following', lease: this.options.leaseName, identity: this.options.identity, holder }, 'following the leader');
    }
    this.followedHolder = leader ? undefined : holder;
    if (leader === this.leader) return;
    this.leader = leader;
    if (!leader) {
      this.options.logger.warn({ event: 'leader-election.lost', lease: this.options.leaseName, identity: this.options.identity }, 'lost leadership');
    }
    for (const listener of this.listeners) listener(leader);
  }

  private async release(): Promise<void> {
    if (!this.leader || this.lastLease === undefined) return;
    try {
      await this.options.api.replaceLease(releasedLease(this.lastLease, this.nowMs()));
      this.options.logger.info({ event: 'leader-election.released', lease: this.options.leaseName, identity: this.options.identity }, 'released leadership');
    } catch (caught) {
      const error = toClusterApiError(caught, `release leases/${this.options.leaseName}`);
      this.options.logger.warn({ event: 'leader-election.error', lease: this.options.leaseName, kind: error.kind, err: error.message }, 'could not release the lease');
    }
    this.leader = false;
    for (const listener of this.listeners) listener(false);
  }
}
