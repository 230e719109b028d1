package demo

import (
	"context"
	"fmt"
	"time"

	"xuejiangping/internal/db"
)

// LoadAll writes the whole demo into an empty database: the district and
// its accounts, a year of the 学讲评 cycle, the study library, the question
// bank and an exam, the task force's work, and the contests. Each step
// owns its transaction; a failure stops the load and says which step.
func LoadAll(ctx context.Context, d *db.DB, seed int64, password string, now time.Time) error {
	steps := []struct {
		name string
		run  func() error
	}{
		{"组织与账号", func() error { return Load(ctx, d, seed, password) }},
		{"活动历史", func() error { return LoadHistory(ctx, d, seed, now) }},
		{"学习资料", func() error { return LoadMaterials(ctx, d) }},
		{"题库与考试", func() error { return LoadQuiz(ctx, d) }},
		{"专班工作", func() error { return LoadSupervise(ctx, d, now) }},
		{"知识竞赛", func() error { return LoadContest(ctx, d) }},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			return fmt.Errorf("演示数据（%s）: %w", s.name, err)
		}
	}
	return nil
}
