/** What the engine knows when it asks which version an app should run. */
export interface VersionQuery {
  appId: string;
  machine: string;
  user: string;
  /** Installed version, or null when it cannot be read (fresh install). */
  currentVersion: string | null;
  signal?: AbortSignal;
}

/** The answer of a version source. Only `version` is required. */
export interface TargetVersion {
  version: string;
  /** Where the release lives when the source overrides the configured share path. */
  sharePath?: string;
  /** Apply even outside the maintenance window / without asking. */
  mandatory?: boolean;
  /** Oldest version the HIS may still run (shown to IT; mandatory decides whether to wait for the window). */
  minimumVersion?: string;
  releaseNotes?: string;
  /** Which source answered, for the IT window ("manifest", "mssql"). */
  source: string;
}

/**
 * A provider of the target version (one class per source, like electron-updater's Provider).
 * Rejects with an AgentError from the database or engine catalog.
 */
export interface VersionSource {
  readonly kind: string;
  getTarget(query: VersionQuery): Promise<TargetVersion>;
}
