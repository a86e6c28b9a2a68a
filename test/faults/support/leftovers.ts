import fs from 'node:fs';
import path from 'node:path';
import { WORK_DIR_NAME } from '../../../src/main/core/apply/mirror-journal';
import { PART_SUFFIX } from '../../../src/main/core/sync/plan';
import { listFilesRecursive, type Scenario } from '../../helpers/scenario';

/** Every temp file or folder the agent may leave behind, by where it lies; empty lists mean clean. */
export function leftovers(s: Scenario): { parts: string[]; partsOutsideStaging: string[]; workDir: boolean; stateTemps: string[] } {
  const staging = listFilesRecursive(s.stagingDir);
  const outside = [...listFilesRecursive(s.installDir), ...listFilesRecursive(s.stateDir)].filter((f) => f.endsWith(PART_SUFFIX));
  return {
    parts: staging.filter((f) => f.endsWith(PART_SUFFIX)),
    partsOutsideStaging: outside,
    workDir: fs.existsSync(path.join(s.installDir, WORK_DIR_NAME)),
    stateTemps: listFilesRecursive(s.stateDir).filter((f) => f.endsWith('.tmp')),
  };
}

/** Files and folders below dir whose mode lets group or others write (the agent's own files must not). */
export function groupOrWorldWritable(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const full = path.join(abs, entry.name);
      const mode = fs.lstatSync(full).mode;
      if (mode & 0o022) out.push(`${path.relative(dir, full)} (${(mode & 0o777).toString(8)})`);
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out;
}
