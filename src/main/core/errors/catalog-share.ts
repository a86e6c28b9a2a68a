import type { ErrorTemplate } from './catalog';

/** Failures reaching or reading the SMB share, whatever the transport. */
export const shareErrors = {
  SHARE_NOT_FOUND: {
    step: 'share',
    zh: '找不到更新共享 {share}。请确认文件服务器已开机，或请信息科检查共享路径配置。',
    en: 'Update share {share} not found. Check that the file server is on, or ask IT to check the configured share path.',
  },
  SHARE_FILE_MISSING: {
    step: 'share',
    zh: '更新共享中缺少文件 {file}。请信息科重新发布该版本。',
    en: 'File {file} is missing from the update share. Ask IT to publish the release again.',
  },
  SHARE_ACCESS_DENIED: {
    step: 'share',
    zh: '当前账号无权读取更新共享 {share}。请信息科为该账号授予共享的读取权限，或在配置中设置专用的更新账号。',
    en: 'The current account may not read the update share {share}. Ask IT to grant read access, or configure a dedicated update account.',
  },
  SHARE_UNREACHABLE: {
    step: 'share',
    zh: '无法连接文件服务器 {host}。请确认网络正常、服务器已开机，或联系信息科。',
    en: 'Cannot reach the file server {host}. Check the network and that the server is on, or contact IT.',
  },
  SHARE_TIMEOUT: {
    step: 'share',
    zh: '文件服务器 {host} 在 {seconds} 秒内没有响应。请稍后重试；如反复出现请联系信息科检查服务器。',
    en: 'The file server {host} did not answer within {seconds} s. Retry later; if it keeps happening, ask IT to check the server.',
  },
  SHARE_IO_ERROR: {
    step: 'share',
    zh: '读取更新共享 {share} 时出错（文件 {file}）。请稍后重试；如反复出现请联系信息科。',
    en: 'Error while reading the update share {share} (file {file}). Retry later; if it keeps happening, contact IT.',
  },
  SHARE_SMB1_ONLY: {
    step: 'share',
    zh: '更新服务器 {host} 只支持 SMB1 协议（如 Windows Server 2003），本机的 SMB1 客户端已关闭。请信息科在配置中允许更新程序自带的只读 SMB1 客户端（allowSmb1），或在本机启用 "SMB 1.0/CIFS 客户端"，或将共享迁移到新服务器。',
    en: 'Update server {host} speaks only SMB1 (e.g. Windows Server 2003) and this PC\'s SMB1 client is off. Ask IT to allow the agent\'s read-only SMB1 client (allowSmb1), enable the "SMB 1.0/CIFS Client" feature, or move the share to a newer server.',
  },
  SHARE_CREDENTIAL_CONFLICT: {
    step: 'share',
    zh: '本机已用另一个账号连接了服务器 {host}（Windows 错误 1219），无法用更新账号再次连接。请信息科改用更新程序自带的 SMB 客户端（transport: smb2），或断开现有的映射驱动器后重试。',
    en: 'This PC is already connected to {host} under another user name (Windows error 1219). Ask IT to use the agent\'s own SMB client (transport: smb2), or disconnect the existing mapped drive and retry.',
  },
  SHARE_LOGON_FAILED: {
    step: 'share',
    zh: '登录文件服务器 {host} 失败（用户 {user}）。请信息科检查更新账号的用户名、域和密码。',
    en: 'Logon to file server {host} failed (user {user}). Ask IT to check the update account\'s user name, domain and password.',
  },
  SHARE_ACCOUNT_LOCKED: {
    step: 'share',
    zh: '更新账号 {user} 已被锁定。请信息科解锁该账号后重试。',
    en: 'The update account {user} is locked out. Ask IT to unlock it, then retry.',
  },
  SHARE_ACCOUNT_DISABLED: {
    step: 'share',
    zh: '更新账号 {user} 已被停用。请信息科启用该账号或更换更新账号。',
    en: 'The update account {user} is disabled. Ask IT to enable it or configure another account.',
  },
  SHARE_PASSWORD_EXPIRED: {
    step: 'share',
    zh: '更新账号 {user} 的密码已过期。请信息科修改密码并更新配置。',
    en: 'The password of the update account {user} has expired. Ask IT to change it and update the configuration.',
  },
  SHARE_ENCRYPTION_REQUIRED: {
    step: 'share',
    zh: '文件服务器 {host} 要求加密连接，但双方没有共同支持的加密方式。请信息科检查服务器的 SMB 加密设置。',
    en: 'File server {host} requires encryption but no common cipher was agreed. Ask IT to check the server\'s SMB encryption settings.',
  },
  SHARE_PROTOCOL_ERROR: {
    step: 'share',
    zh: '与文件服务器 {host} 通信时出现协议错误（{reason}）。请稍后重试；如反复出现请把支持包发给信息科。',
    en: 'Protocol error talking to file server {host} ({reason}). Retry later; if it keeps happening, send the support bundle to IT.',
  },
  SHARE_CONNECTION_CLOSED: {
    step: 'share',
    zh: '文件服务器 {host} 断开了连接（{reason}）。可能是服务器限制了本机的访问或服务繁忙。请稍后重试；如反复出现请联系信息科检查服务器。',
    en: 'File server {host} closed the connection ({reason}). The server may restrict this PC or be busy. Retry later; if it keeps happening, ask IT to check the server.',
  },
  SHARE_AUTH_UNSUPPORTED: {
    step: 'share',
    zh: '文件服务器 {host} 只支持不安全的旧式登录方式（LM/NTLMv1），更新程序拒绝使用。请信息科在服务器上启用 NTLMv2，或改用 Windows 自带的连接方式（transport: native）。',
    en: 'File server {host} offers only the insecure legacy logon (LM/NTLMv1), which the agent refuses. Ask IT to enable NTLMv2 on the server, or use Windows\' own client (transport: native).',
  },
  SHARE_FILE_BUSY: {
    step: 'share',
    zh: '更新共享中的文件 {file} 正被其他程序占用（可能正在发布新版本）。请稍后重试。',
    en: 'File {file} on the update share is in use by another program (a release may be being published). Retry later.',
  },
  SHARE_GUEST_REFUSED: {
    step: 'share',
    zh: '文件服务器 {host} 不允许匿名/来宾访问（例如服务器要求签名或加密连接）。请信息科在配置中设置更新账号（用户名和密码）。',
    en: 'File server {host} refuses anonymous/guest access (e.g. it requires signed or encrypted connections). Ask IT to configure an update account (user name and password).',
  },
} satisfies Record<string, ErrorTemplate>;
