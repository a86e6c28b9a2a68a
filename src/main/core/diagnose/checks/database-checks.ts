import { AgentError } from '../../errors/agent-error';
import { describeEndpoint } from '../../db/connection-config';
import { probeSqlServer } from '../../db/prelogin-probe';
import { MssqlVersionSource } from '../../version/mssql-source';
import { resolveHost, tcpConnect } from '../network';
import { pass, type CheckDefinition, type DiagnosisContext } from '../types';

const usesDatabase = (ctx: DiagnosisContext) => ctx.app.versionSource.type === 'mssql' && ctx.engine.loaded.config.database !== undefined;
const db = (ctx: DiagnosisContext) => ctx.engine.loaded.config.database!;
/** "server\instance" names the host before the backslash. */
const dbHost = (ctx: DiagnosisContext) => db(ctx).server.split('\\')[0]!;
const dbPort = (ctx: DiagnosisContext) => db(ctx).port ?? 1433;

export const databaseChecks: CheckDefinition[] = [
  {
    id: 'db.resolve',
    group: 'database',
    titleZh: '数据库服务器名称解析',
    titleEn: 'Database host name resolves',
    timeoutMs: 3000,
    applies: usesDatabase,
    async run(ctx) {
      try {
        return pass(`${dbHost(ctx)} → ${(await resolveHost(dbHost(ctx), 2500)).join(', ')}`);
      } catch (error) {
        throw new AgentError('DB_UNREACHABLE', describeEndpoint(db(ctx)), error);
      }
    },
  },
  {
    id: 'db.tcp',
    group: 'database',
    titleZh: '数据库端口可连接',
    titleEn: 'Database port is reachable',
    needs: ['db.resolve'],
    timeoutMs: 3500,
    applies: usesDatabase,
    async run(ctx) {
      if (db(ctx).instanceName && db(ctx).port === undefined) {
        return { status: 'skip', evidence: `named instance ${db(ctx).instanceName}: the port comes from SQL Browser (UDP 1434); the login check below covers it` };
      }
      try {
        return pass(`${dbHost(ctx)}:${dbPort(ctx)} answered in ${await tcpConnect(dbHost(ctx), dbPort(ctx), 3000)} ms`);
      } catch (error) {
        const timedOut = (error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
        throw new AgentError(timedOut ? 'DB_TIMEOUT' : 'DB_UNREACHABLE', { ...describeEndpoint(db(ctx)), seconds: 3 }, error);
      }
    },
  },
  {
    id: 'db.prelogin',
    group: 'database',
    titleZh: '数据库服务器版本与加密能力',
    titleEn: 'Database server version and encryption',
    needs: ['db.tcp'],
    timeoutMs: 4000,
    applies: (ctx) => usesDatabase(ctx) && !(db(ctx).instanceName && db(ctx).port === undefined),
    async run(ctx) {
      const probe = await probeSqlServer(dbHost(ctx), dbPort(ctx), 3500);
      const evidence = `${probe.productName} ${probe.version}, encryption ${probe.encryption}, ${probe.elapsedMs} ms`;
      const config = db(ctx);
      if (config.encrypt !== 'off' && (probe.encryption === 'NOT_SUP' || probe.encryption === 'OFF')) {
        throw new AgentError('DB_ENCRYPTION_REFUSED', { server: config.server }, evidence);
      }
      if (config.encrypt !== 'off' && probe.likelyTls10Only && !config.legacyTls) {
        return { status: 'warn', evidence, error: new AgentError('DB_TLS_LEGACY', { server: config.server }, evidence) };
      }
      return pass(evidence);
    },
  },
  {
    id: 'db.query',
    group: 'database',
    titleZh: '数据库登录并查询目标版本',
    titleEn: 'Database login and version query',
    needs: ['db.resolve'],
    timeoutMs: 8000,
    applies: usesDatabase,
    async run(ctx) {
      const source = ctx.app.versionSource;
      if (source.type !== 'mssql') throw new Error('not an mssql app');
      const started = Date.now();
      const target = await new MssqlVersionSource({ database: db(ctx), query: source.query, secrets: ctx.engine.secrets, appDisplayName: ctx.app.displayName, logger: ctx.engine.logger }).getTarget({
        appId: ctx.app.id,
        machine: ctx.engine.machine,
        user: ctx.engine.user,
        currentVersion: null,
      });
      return pass(`${ctx.app.id} should run ${target.version}${target.mandatory ? ' (mandatory)' : ''}, ${Date.now() - started} ms`);
    },
  },
];
