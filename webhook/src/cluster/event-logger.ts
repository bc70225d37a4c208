// The slice of a pino logger the cluster loops use: one structured event per line, with an
// `event` field (e.g. "leader-election.acquired") that dashboards and tests can select on.
import type { Logger } from 'pino';

export type EventLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
