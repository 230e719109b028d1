package msg

// Text of internal/auth: the errors, field errors and labels the package
// builds itself. Wording is asserted by its tests.
func init() {
	register(map[string]string{
		// password.go
		"auth.weak_password.tooShort": "密码至少需要 8 个字符",
		"auth.weak_password.tooLong":  "密码不能超过 128 个字符",
		"auth.weak_password.classes":  "密码需包含小写字母、大写字母、数字、符号中的至少三类",

		// role.go
		"auth.label.admin":       "区委组织部管理员",
		"auth.label.taskForce":   "工作专班",
		"auth.label.secretary":   "党组织书记",
		"auth.label.leader":      "分管领导",
		"auth.label.groupLeader": "党小组长",
		"auth.label.member":      "党员",
		"auth.label.auditor":     "审计管理员",

		// service.go
		"auth.login_required":         "请输入用户名（或手机号）和密码",
		"auth.account_disabled":       "该账号已停用，请联系管理员",
		"auth.account_locked":         "连续 %d 次登录失败，账号已锁定 %d 分钟",
		"auth.bad_credentials":        "用户名或密码错误（再失败 %d 次账号将锁定 %d 分钟）",
		"auth.account_locked.wait":    "连续登录失败次数过多，账号已锁定，请 %d 分钟后再试",
		"auth.login_required.session": "请先登录",
		"auth.session_expired":        "长时间未操作，登录已过期，请重新登录",
		"auth.bad_old_password":       "原密码不正确",
		"auth.same_password":          "新密码不能与原密码相同",

		// users.go
		"auth.bad_username":    "用户名须以字母开头，由 3–32 位字母、数字、下划线、点或减号组成",
		"auth.duplicate_user":  "用户名已被使用，或该党员已开通账号",
		"auth.bad_role":        "未知的角色",
		"auth.duplicate_grant": "该用户已在此组织拥有该角色",
		"auth.bad_grant":       "用户或组织不存在",
		"noun.org":             "组织",
		"noun.grant":           "角色授权",
		"auth.self_revoke":     "不能撤销自己的管理员角色",
		"noun.user":            "用户",
	})
}
