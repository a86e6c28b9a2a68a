import type { CliArgs } from '../args';
import { ExitCode, exitCodeFor } from '../exit-codes';
import { checkToJson, combine, formatErrorBlock, printJson } from '../output';
import { openRuntime, type CliIo } from '../runtime';
import { FLEET_FLUSH_MS } from './update';

export async function runCheck(args: CliArgs, io: CliIo): Promise<number> {
  const runtime = await openRuntime(args.config, io, { verbose: args.verbose });
  const appIds = selectedApps(args);
  const summaries = await runtime.agent.check(appIds, 'cli');
  await runtime.agent.flushFleet(FLEET_FLUSH_MS);
  const results = summaries.map((s) => checkToJson(s, runtime.agent.app(s.appId)));
  if (args.json) printJson(io.stdout, combine(results));
  else {
    for (const [i, s] of summaries.entries()) {
      if (s.error) io.stdout.write(`${formatErrorBlock(s.error)}\n`);
      else io.stdout.write(`${s.updateAvailable ? '↑' : '✔'} ${results[i]!.message}\n  ${results[i]!.messageEn}\n`);
    }
  }
  const firstError = summaries.find((s) => s.error)?.error;
  if (firstError) return exitCodeFor(firstError);
  return summaries.some((s) => s.updateAvailable) ? ExitCode.UPDATE_AVAILABLE : ExitCode.OK;
}

export function selectedApps(args: CliArgs): string[] | undefined {
  const ids = [...(args.app ? [args.app] : []), ...args.positionals];
  return ids.length > 0 ? ids : undefined;
}
