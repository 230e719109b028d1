-- Online quizzes (线上竞答): the points are set per quiz (a right answer,
-- and the most speed points, which fall to 0 at the deadline), and a
-- question may have its own answer time (0: the quiz's).
ALTER TABLE contests ADD COLUMN quiz_base_points INTEGER NOT NULL DEFAULT 10;
ALTER TABLE contests ADD COLUMN quiz_speed_points INTEGER NOT NULL DEFAULT 10;
ALTER TABLE contest_questions ADD COLUMN answer_ms INTEGER NOT NULL DEFAULT 0;
