import { queryFleet } from '../../core/report/fleet-query';
import type { CliArgs } from '../args';
import { ExitCode } from '../exit-codes';
import { printJson } from '../output';
import { openRuntime, type CliIo } from '../runtime';

/** `his-update fleet [--prefix WARD] [--json]`: every PC's versions and last result from the HIS database. */
export async function runFleet(args: CliArgs, io: CliIo): Promise<number> {
  const runtime = await openRuntime(args.config, io, { verbose: args.verbose });
  const ctx = runtime.agent.ctx;
  const snapshot = await queryFleet(ctx.loaded.config, { secrets: ctx.secrets, logger: ctx.logger, ...(args.prefix ? { prefix: args.prefix } : {}) });
  if (args.json) {
    printJson(io.stdout, snapshot);
    return ExitCode.OK;
  }
  const { totals } = snapshot;
  io.stdout.write(`机群 / fleet: ${totals.machines} 台电脑 PCs, ${totals.rows} 行 rows, ${totals.failed} 失败 failed, ${totals.silent} 超过 ${snapshot.silentHours} 小时未报告 silent\n\n`);
  for (const r of snapshot.rows) {
    const flag = r.errorCode ? '✘' : r.silent ? '?' : '✔';
    io.stdout.write(`${flag} ${r.machine.padEnd(16)} ${r.app.padEnd(10)} ${(r.installedVersion ?? '-').padEnd(12)} → ${(r.targetVersion ?? '-').padEnd(12)} ${r.state.padEnd(12)} ${r.errorCode ?? ''} ${r.receivedAt}\n`);
  }
  io.stdout.write('\n版本分布 / versions:\n');
  for (const c of snapshot.countsByVersion) io.stdout.write(`  ${c.app} ${c.version ?? '(none)'}: ${c.count}\n`);
  return ExitCode.OK;
}
