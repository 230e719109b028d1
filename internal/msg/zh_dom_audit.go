package msg

// Text of internal/audit: the errors, field errors and labels the package
// builds itself. Wording is asserted by its tests.
func init() {
	register(map[string]string{
		// audit.go
		"audit.chain.broken":    "第 %d 条记录与前一条不衔接：其前的记录被删除或篡改",
		"audit.chain.tampered":  "第 %d 条记录的内容与其哈希不符：记录被篡改",
		"audit.chain.truncated": "日志末尾缺失：链头指向第 %d 条，而现存最后一条是第 %d 条",
	})
}
