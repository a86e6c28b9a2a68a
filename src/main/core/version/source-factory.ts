import type { AgentConfig, AppConfig } from '../config/schema';
import type { SecretResolver } from '../config/secrets';
import type { Logger } from '../logger';
import type { ShareClient } from '../share/share-client';
import { ManifestVersionSource } from './manifest-source';
import { MssqlVersionSource } from './mssql-source';
import type { VersionSource } from './version-source';

/** One VersionSource per app, from its config. */
export interface VersionSourceFactory {
  /** openShare is the run's shared connection to the app's share (opened only if the source needs it). */
  create(app: AppConfig, openShare: () => Promise<ShareClient>): VersionSource;
}

export function createVersionSourceFactory(config: AgentConfig, secrets: SecretResolver, logger: Logger): VersionSourceFactory {
  return {
    create(app, openShare) {
      const source = app.versionSource;
      switch (source.type) {
        case 'manifest':
          return new ManifestVersionSource(openShare);
        case 'mssql':
          // The schema guarantees a database section whenever an app asks for mssql.
          return new MssqlVersionSource({ database: config.database!, query: source.query, secrets, appDisplayName: app.displayName, logger });
      }
    },
  };
}
