-- Referees of a team event (户外拓展): logged-in users the admin assigns,
-- who enter the projects' results on their phones.
CREATE TABLE team_event_referees (
    event_id BIGINT NOT NULL REFERENCES team_events(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (event_id, user_id)
);
