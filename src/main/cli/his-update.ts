// Blocked UNC reads hold libuv pool threads; a larger pool keeps the rest of the agent responsive.
process.env.UV_THREADPOOL_SIZE ??= '16';

import { AgentError, toAgentError } from '../core/errors/agent-error';
import { HELP_TEXT, parseCliArgs, UsageError, type CliArgs } from './args';
import { runCheck } from './commands/check';
import { runFleet } from './commands/fleet';
import { runBundle, runDiagnose } from './commands/diagnose';
import { runLaunch } from './commands/launch';
import { runPublish } from './commands/publish';
import { runStatus } from './commands/status';
import { runUpdate } from './commands/update';
import { runDemo } from './demo/run-demo';
import { ExitCode, exitCodeFor } from './exit-codes';
import { errorToJson, formatErrorBlock, printJson } from './output';
import type { CliIo } from './runtime';
import { AGENT_VERSION } from '../core/version-info';

export async function main(argv: string[], io: CliIo): Promise<number> {
  let args: CliArgs | undefined;
  try {
    args = parseCliArgs(argv);
    switch (args.command) {
      case 'help':
        io.stdout.write(args.showVersion ? `his-update ${AGENT_VERSION}\n` : HELP_TEXT);
        return ExitCode.OK;
      case 'check':
        return await runCheck(args, io);
      case 'update':
        return await runUpdate(args, io);
      case 'status':
        return await runStatus(args, io);
      case 'launch':
        return await runLaunch(args, io);
      case 'diagnose':
        return await runDiagnose(args, io);
      case 'bundle':
        return await runBundle(args, io);
      case 'fleet':
        return await runFleet(args, io);
      case 'publish':
        return await runPublish(args, io);
      case 'demo':
        return await runDemo(args, io);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`用法错误 / usage error: ${error.message}\n\n${HELP_TEXT}`);
      return ExitCode.USAGE_OR_CONFIG;
    }
    const agentError = error instanceof AgentError ? error : toAgentError(error, 'INTERNAL_ERROR', { where: args?.command ?? 'cli' });
    if (args?.json) printJson(io.stdout, errorToJson(agentError, args.app ?? args.positionals[0] ?? ''));
    else io.stderr.write(`${formatErrorBlock(agentError)}\n`);
    return exitCodeFor(agentError);
  }
}

if (require.main === module) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`fatal: ${String(error)}\n`);
      process.exitCode = ExitCode.FAILED;
    },
  );
}
