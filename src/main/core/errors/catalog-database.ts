import type { ErrorTemplate } from './catalog';

/** Failures talking to the HIS SQL Server (version query and fleet reporting). */
export const databaseErrors = {
  DB_UNREACHABLE: {
    step: 'version-source',
    zh: '无法连接 HIS 数据库服务器 {server}:{port}（连接被拒绝）。请确认网络和数据库服务是否正常，或联系信息科。',
    en: 'Cannot connect to the HIS database server {server}:{port} (connection refused). Check the network and the database service, or contact IT.',
  },
  DB_TIMEOUT: {
    step: 'version-source',
    zh: 'HIS 数据库服务器 {server}:{port} 在 {seconds} 秒内没有响应。请稍后重试；如反复出现请联系信息科。',
    en: 'The HIS database server {server}:{port} did not answer within {seconds} s. Retry later; if it keeps happening, contact IT.',
  },
  DB_LOGIN_FAILED: {
    step: 'version-source',
    zh: '数据库登录失败（用户 {user}）。请信息科检查更新程序的数据库账号和密码。',
    en: 'Database login failed (user {user}). Ask IT to check the agent\'s database account and password.',
  },
  DB_UNKNOWN_DATABASE: {
    step: 'version-source',
    zh: '数据库服务器上没有数据库 {database}，或账号 {user} 无权打开它。请信息科检查配置中的数据库名。',
    en: 'Database {database} does not exist on the server, or user {user} may not open it. Ask IT to check the configured database name.',
  },
  DB_TLS_LEGACY: {
    step: 'version-source',
    zh: '数据库服务器 {server} 只支持旧版加密协议 (TLS 1.0)。请信息科在配置中设置 "legacyTls": true，或升级数据库服务器。',
    en: 'Database server {server} supports only the old TLS 1.0 protocol. Ask IT to set "legacyTls": true in the configuration, or upgrade the server.',
  },
  DB_CERT_UNTRUSTED: {
    step: 'version-source',
    zh: '数据库服务器 {server} 的证书不受信任（{reason}）。请信息科安装受信任的证书，或在配置中设置 "trustServerCertificate": true。',
    en: 'The certificate of database server {server} is not trusted ({reason}). Ask IT to install a trusted certificate, or set "trustServerCertificate": true.',
  },
  DB_ENCRYPTION_REFUSED: {
    step: 'version-source',
    zh: '配置要求加密连接，但数据库服务器 {server} 不支持加密。为保护密码已停止连接；请信息科为数据库开启加密，或修改配置中的 encrypt 设置。',
    en: 'Encryption is required but database server {server} does not support it. The connection was stopped to protect the password; ask IT to enable encryption on the server or change the encrypt setting.',
  },
  DB_QUERY_INVALID: {
    step: 'version-source',
    zh: '配置中的版本查询语句有误（{reason}）。请信息科检查 versionSource.query 中的表名和列名。',
    en: 'The version query in the configuration is wrong ({reason}). Ask IT to check the table and column names in versionSource.query.',
  },
  DB_APP_NOT_REGISTERED: {
    step: 'version-source',
    zh: '数据库中没有 {app} 的版本登记。请信息科在版本表中登记该程序。',
    en: 'The database has no version entry for {app}. Ask IT to register the app in the version table.',
  },
  DB_VERSION_INVALID: {
    step: 'version-source',
    zh: '数据库返回的 {app} 版本号无效（{value}）。请信息科检查版本表中的数据。',
    en: 'The database returned an invalid version for {app} ({value}). Ask IT to check the version table.',
  },
  DB_HOST_NOT_FOUND: {
    step: 'version-source',
    zh: '找不到数据库服务器 {server}（名称无法解析）。请确认服务器名称拼写和网络是否正常，或请信息科检查配置中的 database.server。',
    en: 'Database server {server} not found (the name does not resolve). Check the spelling and the network, or ask IT to check database.server in the configuration.',
  },
  DB_CONNECTION_CLOSED: {
    step: 'version-source',
    zh: '数据库服务器 {server}:{port} 接受连接后立即断开（{reason}）。可能是服务器连接数已满或防火墙拦截；请稍后重试，如反复出现请联系信息科。',
    en: 'Database server {server}:{port} accepted the connection and then closed it ({reason}). It may be out of connections or behind a firewall; retry later, and contact IT if it keeps happening.',
  },
  DB_NOT_SQL_SERVER: {
    step: 'version-source',
    zh: '{server}:{port} 上的服务没有按 SQL Server 协议应答。请信息科检查配置中的数据库端口 database.port。',
    en: 'The service at {server}:{port} does not answer like SQL Server. Ask IT to check database.port in the configuration.',
  },
  DB_INSTANCE_NOT_FOUND: {
    step: 'version-source',
    zh: '找不到数据库实例 {server}\\{instance}（SQL Server Browser 无应答）。请信息科确认实例名，或在配置中直接填写端口 database.port。',
    en: 'Database instance {server}\\{instance} not found (no answer from SQL Server Browser). Ask IT to check the instance name, or set database.port in the configuration.',
  },
  DB_PERMISSION_DENIED: {
    step: 'version-source',
    zh: '数据库账号 {user} 没有执行该语句的权限（{reason}）。请信息科为该账号授予所需的 SELECT/INSERT/UPDATE 权限。',
    en: 'Database user {user} may not run this statement ({reason}). Ask IT to grant the SELECT/INSERT/UPDATE rights it needs.',
  },
  DB_FLEET_TABLE_MISSING: {
    step: 'report',
    zh: '数据库中没有状态表 {table}，本机状态暂存在本地，稍后重发。请信息科在 HIS 数据库中运行 sql/his_update_status.sql 建表。',
    en: 'The status table {table} does not exist; this PC keeps its status locally and sends it later. Ask IT to run sql/his_update_status.sql in the HIS database.',
  },
  DB_FLEET_STATEMENT_INVALID: {
    step: 'report',
    zh: '状态上报语句有误（{reason}），本机状态暂存在本地。请信息科检查配置中的 fleet.statement 或状态表 {table} 的列名。',
    en: 'The status report statement is wrong ({reason}); this PC keeps its status locally. Ask IT to check fleet.statement or the columns of {table}.',
  },
  DB_ERROR: {
    step: 'version-source',
    zh: '查询 HIS 数据库时出错（{reason}）。请稍后重试；如反复出现请联系信息科。',
    en: 'Error while querying the HIS database ({reason}). Retry later; if it keeps happening, contact IT.',
  },
} satisfies Record<string, ErrorTemplate>;
