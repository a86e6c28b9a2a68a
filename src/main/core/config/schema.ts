import { z } from 'zod';

/** A password is never written in the config: only a reference to where it is kept. */
export const secretRefSchema = z.union([
  z.object({ env: z.string().min(1).describe('name of an environment variable') }).strict(),
  z.object({ protected: z.string().min(1).describe('base64 blob encrypted with Windows DPAPI (safeStorage)') }).strict(),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

const relativePath = z.string().min(1);

export const localVersionSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('file'),
      /** Relative to installDir (or absolute). */
      path: relativePath,
      /** Regular expression whose first group is the version; default: the first version-like token. */
      pattern: z.string().optional(),
      encoding: z.enum(['utf8', 'utf16le', 'gbk']).default('utf8'),
    })
    .strict(),
  z
    .object({
      type: z.literal('registry'),
      key: z.string().regex(/^(HKLM|HKCU|HKCR|HKU|HKEY_[A-Z_]+)\\/, 'a registry key such as HKLM\\SOFTWARE\\Vendor\\HIS'),
      value: z.string().min(1),
    })
    .strict(),
  z.object({ type: z.literal('pe'), path: relativePath }).strict(),
]);
export type LocalVersionConfig = z.infer<typeof localVersionSchema>;

export const databaseSchema = z
  .object({
    server: z.string().min(1),
    port: z.number().int().min(1).max(65535).optional(),
    instanceName: z.string().min(1).optional(),
    database: z.string().min(1),
    authentication: z.discriminatedUnion('type', [
      z.object({ type: z.literal('sql'), user: z.string().min(1), password: secretRefSchema }).strict(),
      z.object({ type: z.literal('ntlm'), domain: z.string().min(1), user: z.string().min(1), password: secretRefSchema }).strict(),
    ]),
    encrypt: z.enum(['off', 'on', 'strict']).default('off'),
    trustServerCertificate: z.boolean().default(false),
    /** SQL Server 2005/2008 speak only TLS 1.0. */
    legacyTls: z.boolean().default(false),
    connectTimeoutSeconds: z.number().positive().max(600).default(15),
    requestTimeoutSeconds: z.number().positive().max(3600).default(15),
  })
  .strict();
export type DatabaseConfig = z.infer<typeof databaseSchema>;

export const versionSourceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('manifest') }).strict(),
  z
    .object({
      type: z.literal('mssql'),
      /** Parameterized query; inputs @app, @machine, @user, @currentVersion; returns a `version` column. */
      query: z.string().min(1),
    })
    .strict(),
]);
export type VersionSourceConfig = z.infer<typeof versionSourceSchema>;

export const shareSchema = z
  .object({
    /** UNC path (\\server\share\dir) or a local/mounted folder holding the release. */
    path: z.string().min(1),
    transport: z.enum(['native', 'smb2']).default('native'),
    /** For transport smb2: the account; default the server's guest access. */
    username: z.string().min(1).optional(),
    domain: z.string().optional(),
    password: secretRefSchema.optional(),
    /** TCP port for transport smb2 (445). */
    port: z.number().int().min(1).max(65535).optional(),
    /** Let the agent's read-only SMB1 client reach an SMB1-only server (Windows Server 2003). */
    allowSmb1: z.boolean().default(true),
    timeoutSeconds: z.number().positive().max(600).default(30),
  })
  .strict();
export type ShareConfig = z.infer<typeof shareSchema>;

export const updaterSchema = z
  .object({
    /** Relative to the release root. */
    path: relativePath,
    args: z.array(z.string()).default([]),
    successExitCodes: z.array(z.number().int()).min(1).default([0]),
    timeoutSeconds: z.number().positive().max(24 * 3600).default(600),
    /** Arguments that make the updater check itself and exit 0 without changing anything (diagnosis). */
    dryRunArgs: z.array(z.string()).optional(),
  })
  .strict();
export type UpdaterConfig = z.infer<typeof updaterSchema>;

export const applySchema = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('run-updater'),
      /** Overrides the manifest's updater entry. */
      updater: updaterSchema.optional(),
      timeoutSeconds: z.number().positive().max(24 * 3600).default(600),
      /** Back up the install files the release touches and put them back when the updater fails. */
      restoreOnFailure: z.boolean().default(true),
    })
    .strict(),
  z
    .object({
      mode: z.literal('mirror'),
      /** Delete files the previous release had and the new one does not (never other files). */
      deleteRemoved: z.boolean().default(true),
    })
    .strict(),
]);
export type ApplyConfig = z.infer<typeof applySchema>;

export const hisProcessSchema = z
  .object({
    /** Image name as Windows shows it (nurse.exe). */
    name: z.string().min(1),
    /** Exe started by `his-update launch`, relative to installDir; default: name. */
    exe: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    /** What to do when the HIS is running at apply time. */
    whenRunning: z.enum(['wait', 'ask', 'skip']).default('ask'),
    waitSeconds: z.number().nonnegative().max(24 * 3600).default(300),
  })
  .strict();
export type HisProcessConfig = z.infer<typeof hisProcessSchema>;

const appIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'an id of letters, digits, - and _');

export const appSchema = z
  .object({
    id: appIdSchema,
    displayName: z.string().min(1),
    installDir: z.string().min(1),
    localVersion: localVersionSchema,
    versionSource: versionSourceSchema.default({ type: 'manifest' }),
    share: shareSchema,
    apply: applySchema,
    hisProcess: hisProcessSchema.optional(),
  })
  .strict();
export type AppConfig = z.infer<typeof appSchema>;

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM');

export const scheduleSchema = z
  .object({
    checkAtStart: z.boolean().default(true),
    intervalMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
    jitterMinutes: z.number().int().min(0).max(24 * 60).default(10),
    /** Non-mandatory updates apply only inside this window (may cross midnight). */
    window: z.object({ start: timeOfDay, end: timeOfDay }).strict().optional(),
    /** Start the tray at Windows login. */
    autoStart: z.boolean().default(true),
  })
  .strict();
export type ScheduleConfig = z.infer<typeof scheduleSchema>;

export const agentSchema = z
  .object({
    stateDir: z.string().min(1).optional(),
    stagingDir: z.string().min(1).optional(),
    logDir: z.string().min(1).optional(),
    downloadConcurrency: z.number().int().min(1).max(32).default(4),
    historyLimit: z.number().int().min(1).max(10000).default(200),
    /** Attempts per file when the share drops mid-transfer; waits grow 1 s, 2 s, 4 s … */
    retries: z.number().int().min(0).max(20).default(3),
    retryBackoffSeconds: z.number().nonnegative().max(300).default(1),
  })
  .strict();
export type AgentSettings = z.infer<typeof agentSchema>;

export const fleetSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Default: upsert into the shipped table dbo.his_update_status. */
    statement: z.string().min(1).optional(),
    table: z.string().regex(/^[A-Za-z_][\w.]*$/).default('dbo.his_update_status'),
    queueLimit: z.number().int().min(1).max(100000).default(500),
    silentHours: z.number().positive().default(24),
    heartbeatMinutes: z.number().int().min(1).default(240),
  })
  .strict();
export type FleetConfig = z.infer<typeof fleetSchema>;

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    agent: agentSchema.default(() => agentSchema.parse({})),
    schedule: scheduleSchema.default(() => scheduleSchema.parse({})),
    database: databaseSchema.optional(),
    fleet: fleetSchema.default(() => fleetSchema.parse({})),
    apps: z.array(appSchema).min(1),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.apps.forEach((app, index) => {
      if (seen.has(app.id.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['apps', index, 'id'], message: `a unique id ("${app.id}" is used twice)` });
      }
      seen.add(app.id.toLowerCase());
      if (app.versionSource.type === 'mssql' && !config.database) {
        ctx.addIssue({ code: 'custom', path: ['database'], message: `a database section (apps[${index}] asks for versionSource mssql)` });
      }
      if (app.share.transport === 'smb2' && !/^(\\\\|\/\/)[^\\/]+[\\/][^\\/]+/.test(app.share.path)) {
        ctx.addIssue({ code: 'custom', path: ['apps', index, 'share', 'path'], message: 'a UNC path \\\\server\\share\\... for transport smb2' });
      }
      if (app.share.password && !app.share.username) {
        ctx.addIssue({ code: 'custom', path: ['apps', index, 'share', 'username'], message: 'a user name to go with share.password' });
      }
    });
    if (config.fleet.enabled && !config.database) {
      ctx.addIssue({ code: 'custom', path: ['database'], message: 'a database section (fleet.enabled is true)' });
    }
  });

export type AgentConfig = z.infer<typeof configSchema>;
