import type { CliArgs } from '../args';
import { ExitCode } from '../exit-codes';
import { printJson } from '../output';
import { openRuntime, type CliIo } from '../runtime';
import { diagnose } from '../../core/diagnose';
import { writeSupportBundle } from '../../core/diagnose/bundle';
import type { DiagnosisReport } from '../../core/diagnose/types';
import { selectedApps } from './check';

const MARK = { pass: '✔ 通过', warn: '! 注意', fail: '✘ 失败', skip: '- 跳过' } as const;

/** `his-update diagnose [APP]`: every check with status, evidence and fix; exit 1 when one fails. */
export async function runDiagnose(args: CliArgs, io: CliIo): Promise<number> {
  const runtime = await openRuntime(args.config, io, { verbose: args.verbose });
  const report = await diagnose(runtime.agent.ctx, selectedApps(args)?.[0]);
  if (args.json) printJson(io.stdout, report);
  else io.stdout.write(renderReport(report));
  return report.counts.fail > 0 ? ExitCode.FAILED : ExitCode.OK;
}

export function renderReport(report: DiagnosisReport): string {
  const lines = [`诊断 / diagnosis: ${report.appId}`, ''];
  for (const c of report.checks) {
    lines.push(`${MARK[c.status]}  ${c.titleZh} / ${c.titleEn}  (${c.durationMs} ms)`);
    if (c.evidence) lines.push(`      证据 / evidence: ${c.evidence}`);
    if (c.status !== 'pass' && c.fixZh) lines.push(`      处理 / fix: ${c.errorCode ? `[${c.errorCode}] ` : ''}${c.fixZh}`, `                 ${c.fixEn ?? ''}`);
  }
  const { pass, warn, fail, skip } = report.counts;
  lines.push('', `合计 / total: ${pass} 通过 pass, ${warn} 注意 warn, ${fail} 失败 fail, ${skip} 跳过 skip — 用时 / took ${(report.durationMs / 1000).toFixed(1)} s`, '');
  return lines.join('\n');
}

/** `his-update bundle [--out FILE]`: the support zip for IT (secrets masked). */
export async function runBundle(args: CliArgs, io: CliIo): Promise<number> {
  const runtime = await openRuntime(args.config, io, { verbose: args.verbose });
  const diagnosis = await diagnose(runtime.agent.ctx, selectedApps(args)?.[0]).catch((error: unknown) => ({ error: String(error) }));
  const bundle = await writeSupportBundle({ engine: runtime.agent.ctx, logFile: runtime.logFile, status: await runtime.agent.readStatus(), diagnosis, ...(args.out ? { outFile: args.out } : {}) });
  if (args.json) printJson(io.stdout, { ok: true, path: bundle.path, bytes: bundle.bytes, entries: bundle.entries });
  else io.stdout.write(`✔ 支持包已生成 / support bundle written: ${bundle.path} (${bundle.bytes} bytes)\n   ${bundle.entries.join(', ')}\n`);
  return ExitCode.OK;
}
