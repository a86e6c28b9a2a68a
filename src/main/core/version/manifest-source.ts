import type { ShareClient } from '../share/share-client';
import { readRelease } from '../sync/release-reader';
import type { Release } from '../sync/manifest';
import type { TargetVersion, VersionQuery, VersionSource } from './version-source';

export type TargetWithRelease = TargetVersion & { release: Release };

/** The version is whatever his-release.json on the share says; the release comes along for free. */
export class ManifestVersionSource implements VersionSource {
  readonly kind = 'manifest';

  constructor(private readonly openShare: () => Promise<ShareClient>) {}

  async getTarget(query: VersionQuery): Promise<TargetWithRelease> {
    const share = await this.openShare();
    const release = await readRelease(share, { appId: query.appId, allowListing: false });
    return { version: release.version, source: this.kind, release, ...(release.notes ? { releaseNotes: release.notes } : {}) };
  }
}

export function hasRelease(target: TargetVersion): target is TargetWithRelease {
  return 'release' in target && (target as TargetWithRelease).release !== undefined;
}
