-- his-update-agent: fleet status table (one row per PC and HIS app).
--
-- Run once in the HIS database (SSMS or sqlcmd); running it again changes nothing. Works on
-- SQL Server 2005 and later (DATETIME, GETUTCDATE). Every agent upserts its row after each run and on
-- its heartbeat; times are UTC. reported_at is the PC's clock (when the run ended), received_at the
-- server's clock (when the row arrived, which is what "silent for N hours" is measured against).
--
-- The agent's account needs: GRANT SELECT, INSERT, UPDATE ON dbo.his_update_status TO <agent login>;
--
-- Instead of this table, "fleet.statement" in the agent config may name your own statement or procedure
-- call; it gets the same named inputs: @machine, @app, @user, @installedVersion, @targetVersion, @state,
-- @errorCode, @messageZh, @durationMs, @bytesMoved, @agentVersion, @reportedAt (UTC).
--
-- How IT reads the fleet (the agent's `his-update fleet` and the IT window run the same query):
--   failed first:   SELECT * FROM dbo.his_update_status ORDER BY CASE WHEN error_code IS NULL THEN 1 ELSE 0 END, machine;
--   silent > 24 h:  SELECT machine, app, received_at FROM dbo.his_update_status WHERE received_at < DATEADD(hour, -24, GETUTCDATE());
--   per version:    SELECT app, installed_version, COUNT(*) AS pcs FROM dbo.his_update_status GROUP BY app, installed_version;
IF OBJECT_ID(N'dbo.his_update_status', N'U') IS NULL
CREATE TABLE dbo.his_update_status (
  machine           NVARCHAR(64)   NOT NULL,
  app               NVARCHAR(64)   NOT NULL,
  windows_user      NVARCHAR(128)  NULL,
  installed_version NVARCHAR(64)   NULL,
  target_version    NVARCHAR(64)   NULL,
  state             NVARCHAR(32)   NOT NULL,
  error_code        NVARCHAR(64)   NULL,
  message_zh        NVARCHAR(1000) NULL,
  duration_ms       BIGINT         NULL,
  bytes_moved       BIGINT         NULL,
  agent_version     NVARCHAR(32)   NULL,
  reported_at       DATETIME       NOT NULL,
  received_at       DATETIME       NOT NULL CONSTRAINT DF_his_update_status_received_at DEFAULT GETUTCDATE(),
  CONSTRAINT PK_his_update_status PRIMARY KEY CLUSTERED (machine, app)
);
