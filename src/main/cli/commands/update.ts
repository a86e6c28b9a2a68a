import type { CliArgs } from '../args';
import { ExitCode, exitCodeFor } from '../exit-codes';
import { combine, formatErrorBlock, printJson, recordToJson } from '../output';
import { createProgressPrinter } from '../progress-bar';
import { openRuntime, type CliIo } from '../runtime';
import { selectedApps } from './check';
import type { Agent } from '../../core/agent';
import type { RunRecord, RunTrigger } from '../../core/report/status-store';

/** How long a CLI run waits for its fleet row to reach the database before exiting (it stays queued anyway). */
export const FLEET_FLUSH_MS = 5000;

const STATE_TEXT: Record<string, string> = {
  checking: '正在检查版本 / checking',
  downloading: '正在下载 / downloading',
  'waiting-for-his': '等待 HIS 关闭 / waiting for the HIS to close',
  applying: '正在安装 / applying',
};

/** Runs a full update with a progress bar on stderr; the result goes to stdout (human or one JSON object). */
export async function runUpdate(args: CliArgs, io: CliIo, trigger: RunTrigger = 'cli'): Promise<number> {
  const runtime = await openRuntime(args.config, io, { verbose: args.verbose });
  const records = await updateWithProgress(runtime.agent, selectedApps(args), io, trigger, !args.json || io.stderr.isTTY === true);
  reportRecords(runtime.agent, records, args.json, io);
  return exitCodeForRecords(records);
}

export async function updateWithProgress(agent: Agent, appIds: string[] | undefined, io: CliIo, trigger: RunTrigger, showProgress: boolean): Promise<RunRecord[]> {
  const bar = createProgressPrinter(io.stderr);
  const unsubscribe = agent.ctx.events.subscribe((event) => {
    if (!showProgress) return;
    if (event.type === 'progress') bar.update(event.progress);
    else if (event.type === 'state' && STATE_TEXT[event.state]) {
      bar.end();
      const versions = event.from !== null || event.to !== null ? `  ${event.from ?? '未安装'} → ${event.to ?? '?'}` : '';
      io.stderr.write(`• ${event.appId}: ${STATE_TEXT[event.state]}${versions}\n`);
    } else if (event.type === 'his-running') {
      bar.end();
      io.stderr.write(`• ${event.exe} 正在运行，请关闭后更新会继续 / ${event.exe} is running; close it and the update continues\n`);
    }
  });
  try {
    return await agent.update(appIds, trigger);
  } finally {
    bar.end();
    unsubscribe();
    await agent.flushFleet(FLEET_FLUSH_MS);
  }
}

export function reportRecords(agent: Agent, records: RunRecord[], json: boolean, io: CliIo): void {
  const results = records.map((r) => recordToJson(r, agent.app(r.appId)));
  if (json) {
    printJson(io.stdout, combine(results));
    return;
  }
  for (const [i, record] of records.entries()) {
    if (record.error) io.stdout.write(`${formatErrorBlock(record.error)}\n`);
    else io.stdout.write(`✔ ${results[i]!.message}\n  ${results[i]!.messageEn}\n`);
  }
}

export function exitCodeForRecords(records: RunRecord[]): number {
  const failed = records.find((r) => r.error)?.error;
  return failed ? exitCodeFor(failed) : ExitCode.OK;
}
