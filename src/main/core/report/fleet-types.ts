/** One PC's status for one HIS app, as the agent reports it after a run or as a heartbeat. */
export interface FleetStatus {
  machine: string;
  /** Windows user logged on at the PC. */
  user: string;
  app: string;
  installedVersion: string | null;
  targetVersion: string | null;
  /** Outcome of the run: up-to-date, updated, failed, heartbeat … */
  state: string;
  errorCode: string | null;
  messageZh: string | null;
  durationMs: number | null;
  bytesMoved: number | null;
  agentVersion: string;
  /** ISO time on the PC's clock when the run ended. */
  reportedAt: string;
}

/** A row of the fleet view: the stored status plus what the IT window needs to sort and flag it. */
export interface FleetRow extends FleetStatus {
  /** ISO time on the database server's clock when the row last arrived. */
  receivedAt: string;
  /** Nothing arrived for longer than silentHours. */
  silent: boolean;
}

export interface FleetSnapshot {
  generatedAt: string;
  silentHours: number;
  /** Failed first, then silent, then by machine name. */
  rows: FleetRow[];
  countsByVersion: Array<{ app: string; version: string | null; count: number }>;
  totals: { rows: number; machines: number; failed: number; silent: number };
  error: null;
}
