-- Match rules the engine has always taken but the setup could not set: the
-- penalty for a buzz before the buzzers open (points off, and whether the
-- team is locked out of that question), subtracting each remote buzzer's
-- measured delay (capped), and the largest difference between the buzzers'
-- delays the device check accepts before the start (0: no check required).
ALTER TABLE contests ADD COLUMN foul_points INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contests ADD COLUMN foul_lockout BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE contests ADD COLUMN delay_compensation BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE contests ADD COLUMN delay_cap_ms INTEGER NOT NULL DEFAULT 150;
ALTER TABLE contests ADD COLUMN max_device_spread_ms INTEGER NOT NULL DEFAULT 0;
