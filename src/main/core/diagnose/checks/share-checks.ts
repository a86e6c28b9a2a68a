import { AgentError } from '../../errors/agent-error';
import { ShareSession } from '../../share/share-session';
import { parseUnc } from '../../share/share-path';
import { probeSmbDialect } from '../../share/smb-probe';
import { SMB1_CLIENT_AVAILABLE } from '../../share/smb1-support';
import { readRelease } from '../../sync/release-reader';
import { formatBytes } from '../../util/format';
import { resolveHost, tcpConnect } from '../network';
import { pass, type CheckDefinition, type DiagnosisContext } from '../types';

const unc = (ctx: DiagnosisContext) => parseUnc(ctx.app.share.path);
const isNetworkShare = (ctx: DiagnosisContext) => unc(ctx) !== null;
const host = (ctx: DiagnosisContext) => unc(ctx)!.host;
const port = (ctx: DiagnosisContext) => ctx.app.share.port ?? 445;
const params = (ctx: DiagnosisContext) => ({ host: host(ctx), share: ctx.app.share.path, file: '' });

export const shareChecks: CheckDefinition[] = [
  {
    id: 'share.resolve',
    group: 'share',
    titleZh: '文件服务器名称解析',
    titleEn: 'File server name resolves',
    timeoutMs: 3000,
    applies: isNetworkShare,
    async run(ctx) {
      try {
        return pass(`${host(ctx)} → ${(await resolveHost(host(ctx), 2500)).join(', ')}`);
      } catch (error) {
        throw new AgentError('SHARE_UNREACHABLE', params(ctx), error);
      }
    },
  },
  {
    id: 'share.tcp',
    group: 'share',
    titleZh: `文件服务器 SMB 端口可连接`,
    titleEn: 'File server SMB port is reachable',
    needs: ['share.resolve'],
    timeoutMs: 3500,
    applies: isNetworkShare,
    async run(ctx) {
      try {
        return pass(`${host(ctx)}:${port(ctx)} answered in ${await tcpConnect(host(ctx), port(ctx), 3000)} ms`);
      } catch (error) {
        const timedOut = (error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
        throw new AgentError(timedOut ? 'SHARE_TIMEOUT' : 'SHARE_UNREACHABLE', { ...params(ctx), seconds: 3 }, error);
      }
    },
  },
  {
    id: 'share.dialect',
    group: 'share',
    titleZh: 'SMB 协议版本（是否只支持 SMB1）',
    titleEn: 'SMB dialect (SMB1-only server?)',
    needs: ['share.tcp'],
    timeoutMs: 5000,
    applies: isNetworkShare,
    async run(ctx) {
      const probe = await probeSmbDialect(host(ctx), port(ctx), 4000);
      const evidence = `dialect ${probe.dialect}, signing ${probe.signingRequired ? 'required' : 'optional'}${probe.encryptionSupported ? ', encryption available' : ''}, ${Math.round(probe.durationMs)} ms`;
      if (!probe.smb1Only) return pass(evidence);
      ctx.facts.smb1Only = true;
      if (SMB1_CLIENT_AVAILABLE && ctx.app.share.transport === 'smb2' && ctx.app.share.allowSmb1) {
        return {
          status: 'warn',
          evidence: `${evidence} (Windows Server 2003 class)`,
          fixZh: '服务器只支持 SMB1；更新程序用自带的只读客户端读取它，本机的 SMB1 客户端可以保持关闭。建议尽快迁移共享到新服务器。',
          fixEn: 'The server speaks only SMB1; the agent reads it with its own read-only client, so the PC\'s SMB1 client can stay off. Plan to move the share to a newer server.',
        };
      }
      throw new AgentError('SHARE_SMB1_ONLY', params(ctx), evidence);
    },
  },
  {
    id: 'share.read',
    group: 'share',
    titleZh: '读取更新共享与发布清单',
    titleEn: 'Share and release manifest are readable',
    timeoutMs: 8000,
    async run(ctx) {
      const session = new ShareSession(ctx.engine.shares, ctx.app);
      try {
        const share = await session.get();
        const entries = await share.list('');
        const release = await readRelease(share, { appId: ctx.app.id, version: '0', allowListing: ctx.app.versionSource.type !== 'manifest' });
        ctx.facts.release = release;
        const bytes = release.files.reduce((s, f) => s + f.size, 0);
        const kind = release.listingMode ? 'no his-release.json: listing mode, size-only integrity' : `his-release.json ${release.app} ${release.version}`;
        const evidence = `${share.location} (${share.transport}): ${entries.filter((e) => !e.isDirectory).length} files; ${kind}; ${release.files.length} files, ${formatBytes(bytes)}`;
        if (release.listingMode) {
          return { status: 'warn', evidence, fixZh: '共享中没有发布清单，只能按文件大小校验。请信息科在发布目录运行 his-update publish。', fixEn: 'No release manifest on the share: integrity is checked by size only. Ask IT to run his-update publish in the release folder.' };
        }
        return pass(evidence);
      } finally {
        await session.close();
      }
    },
  },
];
