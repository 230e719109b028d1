-- Indexes for the cycle's budgets (issue 3), found with the district-scale
-- benchmarks in internal/web/cycle_bench_test.go.

-- Every page that lists notices asks which ones the user has read
-- (round.Service.readSet): without this, a scan of all receipts
-- (≈45,000 after two years in a district) on each member's home page.
CREATE INDEX notice_reads_user ON notice_reads(user_id, notice_id);
