import type { DatabaseConfig, FleetConfig } from '../config/schema';
import type { SecretResolver } from '../config/secrets';
import { isStatementError, sqlErrorNumber } from '../db/error-mapping';
import { withDatabase } from '../db/session';
import { AgentError, toAgentError, type AgentErrorData } from '../errors/agent-error';
import { silentLogger, type Logger } from '../logger';
import { bindStatus, upsertStatement } from './fleet-sql';
import { FleetQueue } from './fleet-queue';
import type { FleetStatus } from './fleet-types';

export interface FleetReporterOptions {
  database: DatabaseConfig;
  fleet: FleetConfig;
  secrets: SecretResolver;
  /** Agent state folder; the queue lives in fleet-queue.json there. */
  stateDir: string;
  logger?: Logger;
}

export interface FleetReportOutcome {
  /** Rows that reached the database in this call (queued ones included). */
  sent: number;
  /** Rows still waiting in the local queue. */
  pending: number;
  /** Rows dropped now: the queue was full, or the database refused a row's data. */
  dropped: number;
  /** Why rows are still waiting (the database's readable error), null when all went out. */
  error: AgentErrorData | null;
  /** Fleet reporting is switched off in the config. */
  disabled?: true;
}

/**
 * Writes one status row per machine + app into the HIS database. Never throws and never fails an
 * update: every row first goes into the local queue, then the queue is sent oldest first; whatever the
 * database does not take waits for the next report or heartbeat.
 */
export class FleetReporter {
  private readonly queue: FleetQueue;
  private readonly logger: Logger;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: FleetReporterOptions) {
    this.queue = new FleetQueue(options.stateDir, options.fleet.queueLimit);
    this.logger = options.logger ?? silentLogger;
  }

  get queueFile(): string {
    return this.queue.file;
  }

  report(status: FleetStatus, signal?: AbortSignal): Promise<FleetReportOutcome> {
    return this.serialized(async () => {
      if (!this.options.fleet.enabled) return { sent: 0, pending: 0, dropped: 0, error: null, disabled: true };
      const dropped = await this.queue.append(status).catch((error: unknown) => {
        this.logger.warn('fleet queue not writable; sending without it', { error: String(error) });
        return -1;
      });
      if (dropped > 0) this.logger.warn('fleet queue full: oldest rows dropped', { dropped });
      if (dropped === -1) return this.send([status], signal, false);
      const outcome = await this.drainNow(signal);
      return { ...outcome, dropped: outcome.dropped + Math.max(dropped, 0) };
    });
  }

  /** Sends what waits in the queue (at start, on the heartbeat, or when the database is back). */
  drain(signal?: AbortSignal): Promise<FleetReportOutcome> {
    return this.serialized(() => this.drainNow(signal));
  }

  async pending(): Promise<number> {
    return (await this.queue.read()).rows.length;
  }

  private async drainNow(signal: AbortSignal | undefined): Promise<FleetReportOutcome> {
    const { rows } = await this.queue.read();
    if (!rows.length) return { sent: 0, pending: 0, dropped: 0, error: null };
    return this.send(rows, signal, true);
  }

  /** One pool for the whole batch; stops at the first connection or statement error. */
  private async send(rows: FleetStatus[], signal: AbortSignal | undefined, fromQueue: boolean): Promise<FleetReportOutcome> {
    const { database, fleet, secrets } = this.options;
    const table = fleet.table;
    const statement = fleet.statement ?? upsertStatement(table);
    const done: FleetStatus[] = [];
    let dropped = 0;
    let error: AgentError | null = null;
    try {
      await withDatabase(database, { secrets, logger: this.logger, purpose: { kind: 'fleet-report', table, custom: fleet.statement !== undefined }, ...(signal ? { signal } : {}) }, async (pool) => {
        for (const row of rows) {
          try {
            await bindStatus(pool.request(), row).query(statement);
          } catch (rowError) {
            // The session maps errors only when they leave it; decide here whether the row itself is at fault.
            if (!isDataError(rowError)) throw rowError;
            dropped++;
            this.logger.warn('fleet row refused by the database; dropped', { machine: row.machine, app: row.app, error: String((rowError as Error).message) });
          }
          done.push(row);
        }
      });
    } catch (sendError) {
      error = toAgentError(sendError, 'DB_ERROR', { reason: String(sendError) });
      if (!isStatementError(error)) this.logger.info('fleet status kept in the local queue', { code: error.code });
      else this.logger.warn('fleet status statement failed', { code: error.code, detail: error.detail });
    }
    if (fromQueue) await this.queue.removeSent(done).catch(() => undefined);
    const pending = fromQueue ? (await this.queue.read()).rows.length : rows.length - done.length;
    return { sent: done.length - dropped, pending, dropped, error: error ? error.toJSON() : null };
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const next = this.chain.then(task, task);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/** SQL errors about one row's values (truncation 8152, NULL 515, conversion 245 …), not about the statement. */
function isDataError(error: unknown): boolean {
  const number = sqlErrorNumber(error);
  return number !== undefined && [245, 515, 547, 2627, 2601, 8115, 8152, 2628].includes(number);
}
