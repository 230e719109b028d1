package demo

// The shape of the demo district is written out by hand rather than drawn
// from the seed value: the UI, the screenshots in the README and the other
// engineers' tests all point at the same branches, so only the people in them
// vary with the seed. Every agency the newspaper page names is here, plus
// enough other plausible 二七区 agencies to reach about 60 branches and about
// 600 members.

// Names the rest of the platform refers to.
const (
	// DistrictName is the root of the demo tree.
	DistrictName = "二七区"

	// DemoBranch is the branch of the two demo member accounts: the first
	// branch of 区人社局, kept at ≤10 members without party groups so the
	// demo member's activity unit is the branch itself.
	DemoBranch = "区人社局机关党支部"

	// OversizeBranch is the one branch deliberately left with more than 10
	// members (13) and no party groups, so the ≤10 rule for activity units
	// has something to flag in the UI and the admin is offered a split. The
	// 城市管理局's enforcement brigade suits it: the seed says that agency
	// looked hard for its own shortcomings.
	OversizeBranch = "区城市管理局执法大队党支部"

	// LoginSecretary is the demo account of DemoBranch's secretary.
	LoginSecretary = "shuji"
	// LoginMember is the demo account of an ordinary member of DemoBranch.
	LoginMember = "dangyuan"
)

// jobKind selects the ladder of job titles used for a branch's members: a
// procuratorate has 检察官助理, an enforcement brigade 中队长, a CDC 主管医师.
type jobKind int

const (
	jobAdmin       jobKind = iota // 行政机关: 科员 … 科长
	jobDiscipline                 // 纪委监委
	jobProcurator                 // 检察院
	jobInstitution                // 事业单位: service centres
	jobTechnical                  // 事业单位 with engineers: 环卫, 市政, 质监, 农技
	jobEnforcement                // 执法大队
	jobMedical                    // 疾控, 卫生监督
	jobTeaching                   // 教研室
	jobStation                    // 基层所 (市场监管所, 司法所)
)

type branchSpec struct {
	name string
	size int
	jobs jobKind
}

type agencySpec struct {
	agency    string  // as the seed and the public call it, e.g. 区人社局
	committee string  // its party organisation, the committee node's name
	head      string  // the deputy head's title, given to the first branch's secretary
	female    float64 // share of women; agencies differ (城管 vs 卫健)
	branches  []branchSpec
}

// agencies lists the committees in display order: the organisation
// department first (it runs the programme), then the agencies in the order
// the seed names them, then the others.
var agencies = []agencySpec{
	{"区委组织部", "区委组织部机关党委", "副部长", 0.50, []branchSpec{
		{"区委组织部机关第一党支部", 9, jobAdmin},
		{"区委组织部机关第二党支部", 8, jobAdmin},
	}},
	// The seed's knowledge contest had one team from each of the 6 branches,
	// and names 机关第一支部 as the winner; the contest feature matches these
	// short names, so they are kept exactly as the seed writes them.
	{"区纪委监委", "区纪委监委机关党委", "区纪委常委、区监委委员", 0.40, []branchSpec{
		{"机关第一支部", 12, jobDiscipline},
		{"机关第二支部", 11, jobDiscipline},
		{"机关第三支部", 10, jobDiscipline},
		{"机关第四支部", 9, jobDiscipline},
		{"派驻第一纪检监察组支部", 8, jobDiscipline},
		{"派驻第二纪检监察组支部", 8, jobDiscipline},
	}},
	{"区检察院", "区检察院党组", "副检察长", 0.50, []branchSpec{
		{"区检察院第一党支部", 14, jobProcurator},
		{"区检察院第二党支部", 12, jobProcurator},
		{"区检察院第三党支部", 9, jobProcurator},
		{"区检察院第四党支部", 8, jobProcurator},
	}},
	{"区人社局", "区人社局党组", "副局长", 0.55, []branchSpec{
		{DemoBranch, 9, jobAdmin},
		{"区人社局劳动人事争议仲裁院党支部", 8, jobInstitution},
		{"区人社局社会保险中心党支部", 10, jobInstitution},
	}},
	{"区城市管理局", "区城市管理局党组", "副局长", 0.30, []branchSpec{
		{"区城市管理局机关党支部", 10, jobAdmin},
		{OversizeBranch, 13, jobEnforcement},
		{"区城市管理局环境卫生服务中心党支部", 16, jobTechnical},
		{"区城市管理局市政设施服务中心党支部", 9, jobTechnical},
	}},
	{"区财政局", "区财政局党组", "副局长", 0.55, []branchSpec{
		{"区财政局机关第一党支部", 10, jobAdmin},
		{"区财政局机关第二党支部", 11, jobAdmin},
		{"区财政局国库集中支付中心党支部", 7, jobInstitution},
	}},
	{"区政务服务中心", "区政务服务中心党组", "副主任", 0.60, []branchSpec{
		{"区政务服务中心机关党支部", 9, jobAdmin},
		{"区政务服务中心综合窗口党支部", 15, jobInstitution},
	}},
	{"区商务局", "区商务局党组", "副局长", 0.45, []branchSpec{
		{"区商务局机关党支部", 10, jobAdmin},
		{"区商务局商贸服务中心党支部", 6, jobInstitution},
	}},
	{"区科技局", "区科技局党组", "副局长", 0.45, []branchSpec{
		{"区科技局机关党支部", 9, jobAdmin},
		{"区科技局科技创新服务中心党支部", 7, jobTechnical},
	}},
	{"区市场监管局", "区市场监管局党组", "副局长", 0.40, []branchSpec{
		{"区市场监管局机关党支部", 10, jobAdmin},
		{"区市场监管局第一市场监管所党支部", 18, jobStation},
		{"区市场监管局第二市场监管所党支部", 9, jobStation},
		{"区市场监管局综合行政执法大队党支部", 11, jobEnforcement},
	}},
	// A management committee's party organisation is a 党工委, as the seed
	// calls it (管委会党工委书记).
	{"樱桃沟管委会", "樱桃沟管委会党工委", "副主任", 0.40, []branchSpec{
		{"樱桃沟管委会机关党支部", 12, jobAdmin},
		{"樱桃沟管委会综合服务中心党支部", 8, jobInstitution},
	}},
	{"区发展改革委", "区发展改革委党组", "副主任", 0.45, []branchSpec{
		{"区发展改革委机关第一党支部", 10, jobAdmin},
		{"区发展改革委机关第二党支部", 9, jobAdmin},
		{"区发展改革委价格认证中心党支部", 7, jobInstitution},
	}},
	{"区教育局", "区教育局机关党委", "副局长", 0.65, []branchSpec{
		{"区教育局机关第一党支部", 11, jobAdmin},
		{"区教育局机关第二党支部", 10, jobAdmin},
		{"区教育局教研室党支部", 14, jobTeaching},
		{"区教育局教育事业服务中心党支部", 9, jobInstitution},
	}},
	{"区卫健委", "区卫健委党组", "副主任", 0.65, []branchSpec{
		{"区卫健委机关党支部", 10, jobAdmin},
		{"区卫健委疾病预防控制中心党支部", 17, jobMedical},
		{"区卫健委卫生监督所党支部", 9, jobMedical},
	}},
	{"区住建局", "区住建局党组", "副局长", 0.35, []branchSpec{
		{"区住建局机关党支部", 10, jobAdmin},
		{"区住建局建设工程质量安全监督站党支部", 8, jobTechnical},
		{"区住建局房产事务服务中心党支部", 7, jobInstitution},
	}},
	{"区民政局", "区民政局党组", "副局长", 0.55, []branchSpec{
		{"区民政局机关党支部", 9, jobAdmin},
		{"区民政局社会救助服务中心党支部", 7, jobInstitution},
	}},
	{"区司法局", "区司法局党组", "副局长", 0.50, []branchSpec{
		{"区司法局机关党支部", 10, jobAdmin},
		{"区司法局公共法律服务中心党支部", 8, jobInstitution},
		{"区司法局基层司法所联合党支部", 12, jobStation},
	}},
	{"区应急管理局", "区应急管理局党组", "副局长", 0.30, []branchSpec{
		{"区应急管理局机关党支部", 9, jobAdmin},
		{"区应急管理局应急救援保障中心党支部", 6, jobInstitution},
	}},
	{"区文化广电和旅游局", "区文化广电和旅游局党组", "副局长", 0.55, []branchSpec{
		{"区文化广电和旅游局机关党支部", 9, jobAdmin},
		{"区文化广电和旅游局文化馆图书馆联合党支部", 8, jobInstitution},
	}},
	{"区农业农村局", "区农业农村局党组", "副局长", 0.35, []branchSpec{
		{"区农业农村局机关党支部", 9, jobAdmin},
		{"区农业农村局农业技术推广中心党支部", 7, jobTechnical},
	}},
	{"区审计局", "区审计局党组", "副局长", 0.55, []branchSpec{
		{"区审计局机关党支部", 9, jobAdmin},
	}},
	{"区统计局", "区统计局党组", "副局长", 0.55, []branchSpec{
		{"区统计局机关党支部", 8, jobAdmin},
	}},
	{"区退役军人事务局", "区退役军人事务局党组", "副局长", 0.25, []branchSpec{
		{"区退役军人事务局机关党支部", 8, jobAdmin},
	}},
}
