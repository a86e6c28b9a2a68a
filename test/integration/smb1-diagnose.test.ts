import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSingleJson, runCli } from '../helpers/cli';
import { createScenario, type Scenario } from '../helpers/scenario';
import { startSamba, type SambaServer } from '../helpers/samba';

/**
 * The diagnosis of an SMB1-only server (Windows Server 2003 class) on transport smb2 with allowSmb1
 * (the default): a warning that the agent reads it with its own client, and the share really reads.
 * (diagnose.test.ts covers allowSmb1 = false: SHARE_SMB1_ONLY.)
 */

interface Report {
  counts: Record<'pass' | 'warn' | 'fail' | 'skip', number>;
  checks: Array<{ id: string; status: string; errorCode: string | null; fixZh: string | null; fixEn: string | null; evidence: string; durationMs: number }>;
}

const USER = 'hisdiag1';
const PASSWORD = 'Diag1-Secret-3390!';
let scenario: Scenario;
let smb1: SambaServer;

beforeAll(async () => {
  scenario = await createScenario({ mode: 'mirror', files: 20, totalBytes: 256 * 1024 });
  smb1 = await startSamba({ variant: 'smb1-signing', shares: [{ name: 'update', path: path.dirname(scenario.shareDir) }], users: [{ name: USER, password: PASSWORD }] });
  await scenario.writeConfig((config) => {
    const app = (config.apps as Array<Record<string, unknown>>)[0]!;
    app.share = { path: '\\\\127.0.0.1\\update\\nurse', transport: 'smb2', port: smb1.port, username: USER, domain: smb1.workgroup, password: { env: 'HIS_TEST_SHARE_PASSWORD' }, timeoutSeconds: 5 };
  });
});
afterAll(async () => {
  await Promise.all([smb1?.stop(), scenario?.cleanup()]);
});

describe('his-update diagnose, SMB1-only server with allowSmb1 (default)', () => {
  it('warns that the agent reads it with its own SMB1 client and the PC\'s SMB1 client can stay off; share.read passes', async () => {
    const run = await runCli(['diagnose', '--json', '--config', scenario.configFile], { env: { HIS_TEST_SHARE_PASSWORD: PASSWORD } });
    const report = parseSingleJson<Report>(run);
    const dialect = report.checks.find((c) => c.id === 'share.dialect')!;
    expect(dialect).toMatchObject({ status: 'warn', errorCode: null });
    expect(dialect.evidence).toContain('NT1');
    expect(dialect.evidence).toContain('signing required');
    expect(dialect.durationMs).toBeLessThan(2000);
    expect(dialect.fixEn).toContain('speaks only SMB1');
    expect(dialect.fixEn).toContain('the agent reads it with its own read-only client');
    expect(dialect.fixEn).toContain("the PC's SMB1 client can stay off");
    expect(dialect.fixZh).toContain('本机的 SMB1 客户端可以保持关闭');

    const read = report.checks.find((c) => c.id === 'share.read')!;
    expect(read.status, read.evidence).toBe('pass');
    expect(read.evidence).toContain('(smb1)');
    expect(read.evidence).toContain('his-release.json nurse 2.0.0');
    expect(report.checks.filter((c) => c.id.startsWith('share.') && c.status === 'fail')).toEqual([]);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });
});
