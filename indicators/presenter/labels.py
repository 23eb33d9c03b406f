"""Every word of the county report that people read, in one module: parts, verdicts, stages, indicator and item
names, how each figure is computed, units, the facts an item was judged on, rule-set settings, the words of the
text report and of the report workbook, and the sentences the presenter builds. Chinese is the source text;
English comes from the catalogue (locale/en) through gettext.

The engine and the report model hold codes and keys only (`Q1`, `failing_schools`, `east`); a key reaches a
reader only through a label here. An engine entry's label key (`registry.Entry.label_key`) is its code.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# ---------------------------------------------------------------- the report's structure

PARTS = {
    "resource": _("资源配置"),
    "government": _("政府保障程度"),
    "quality": _("教育质量"),
    "recognition": _("社会认可度"),
}
VERDICTS = {"pass": _("达标"), "fail": _("未达标"), "incomplete": _("数据不全")}
# a school or a whole stage: met, not met, cannot be judged (an input missing)
JUDGED = {"pass": _("达标"), "fail": _("未达标"), "incomplete": _("无法判定")}
# a CV against its limit
CV_MARKS = {"pass": _("达标"), "fail": _("超限"), "incomplete": _("无法计算")}
# one indicator of one school against its minimum
MET = {"pass": _("达到"), "fail": _("未达到"), "incomplete": _("无数据")}
DECLARED = {True: _("已申报"), False: _("未申报")}
YES_NO = {True: _("是"), False: _("否")}
STAGES = {"primary": _("小学"), "junior": _("初中"), "senior": _("高中")}
STANDARDS = {
    "quality_2017": _("县域义务教育优质均衡（2017）"),
    "basic_2012": _("县域义务教育基本均衡（2012）"),
}
OVERALL = {
    "pass": _("达到优质均衡标准"),
    "fail": _("尚未达到优质均衡标准"),
    "incomplete": _("尚无法判定是否达到优质均衡标准"),
}
NOT_REPORTED = _("未填报")

# ---------------------------------------------------------------- names of the indicators, items and blocks

INDICATORS = {
    "Q1": _("每百名学生拥有高于规定学历教师数"),
    "Q2": _("每百名学生拥有县级以上骨干教师数"),
    "Q3": _("每百名学生拥有体育、艺术专任教师数"),
    "Q4": _("生均教学及辅助用房面积（m²）"),
    "Q5": _("生均体育运动场馆面积（m²）"),
    "Q6": _("生均教学仪器设备值（元）"),
    "Q7": _("每百名学生拥有网络多媒体教室数"),
    "B1": _("生均教学及辅助用房面积"),
    "B2": _("生均体育运动场馆面积"),
    "B3": _("生均教学仪器设备值"),
    "B4": _("每百名学生拥有计算机台数"),
    "B5": _("生均图书册数"),
    "B6": _("师生比"),
    "B7": _("生均高于规定学历教师数"),
    "B8": _("生均中级及以上专业技术职务教师数"),
    "G1": _("县域义务教育学校规划布局"),
    "G2": _("学校建设标准"),
    "G3": _("音乐、美术专用教室"),
    "G4": _("学校规模"),
    "G5": _("班额"),
    "G6": _("不足100名学生的学校按100名拨付公用经费"),
    "G7": _("特殊教育学校生均公用经费"),
    "G8": _("教师平均工资不低于公务员"),
    "G9": _("教师5年360学时培训"),
    "G10": _("教职工编制"),
    "G11": _("教师交流轮岗"),
    "G12": _("教师资格持证上岗"),
    "G13": _("就近划片入学"),
    "G14": _("优质高中招生名额分配"),
    "G15": _("随迁子女在公办学校或政府购买学位就读"),
    "E1": _("初中三年巩固率"),
    "E2": _("残疾儿童少年入学率"),
    "E3": _("学校章程与管理、教学信息化"),
    "E4": _("教师培训经费占公用经费5%"),
    "E5": _("教师信息化教学与设施设备利用"),
    "E6": _("德育工作与校园文化建设"),
    "E7": _("课程开齐开足与综合实践活动"),
    "E8": _("无过重课业负担"),
    "E9": _("国家义务教育质量监测"),
    "S1": _("社会认可度"),
    "class_size": _("班额"),
    "urban_rural_degree_ratio": _("城乡义务教育教师本科及以上学历比例之比"),
    "achievement": _("学业水平差异率"),
    "staffing": _("生师比与教职工配备"),
}

# the formula in words (the "how computed" text of each figure)
FORMULAS = {
    "Q1": _("100 × 高于规定学历的专任教师数（小学：专科及以上；初中：本科及以上）÷ 该学段在校生数"),
    "Q2": _("100 × 县级及以上骨干教师数 ÷ 该学段在校生数"),
    "Q3": _("100 × 体育、音乐、美术（艺术）专任教师数 ÷ 该学段在校生数"),
    "Q4": _("该学段分摊的（教学及辅助用房面积 − 室内体育用房面积）÷ 该学段在校生数"),
    "Q5": _("该学段分摊的（运动场地面积 + 室内体育用房面积）÷ 该学段在校生数"),
    "Q6": _("该学段分摊的教学仪器设备值 ÷ 该学段在校生数"),
    "Q7": _("100 × 该学段分摊的网络多媒体教室数 ÷ 该学段在校生数"),
    "B1": _("该学段分摊的教学及辅助用房面积 ÷ 该学段在校生数"),
    "B2": _("该学段分摊的（运动场地面积 + 室内体育用房面积）÷ 该学段在校生数"),
    "B3": _("该学段分摊的教学仪器设备值 ÷ 该学段在校生数"),
    "B4": _("100 × 该学段分摊的计算机台数 ÷ 该学段在校生数"),
    "B5": _("该学段分摊的图书册数 ÷ 该学段在校生数"),
    "B6": _("专任教师数 ÷ 该学段在校生数"),
    "B7": _("高于规定学历的专任教师数 ÷ 该学段在校生数"),
    "B8": _("中级及以上专业技术职务（一级、高级、正高级）专任教师数 ÷ 该学段在校生数"),
    "G3": _("每所有班级的学校：达到面积标准的音乐、美术专用教室各不少于 班级数 ÷ 12（向上取整）间"),
    "G4": _("每所学校义务教育阶段在校生数不超过规模上限"),
    "G5": _("每个班级人数不超过标准班额（小学45人，初中50人）"),
    "G6": _("不足100名学生的公办学校，公用经费拨款不低于 生均定额 × 100 + 寄宿生补助"),
    "G7": _("特殊教育学校生均公用经费不低于标准"),
    "G8": _("教师平均工资收入不低于当地公务员平均工资收入"),
    "G9": _("完成5年360学时培训的专任教师占全部专任教师的比例"),
    "G11": _("交流轮岗教师占符合交流条件教师的比例，以及其中骨干教师的比例"),
    "G12": _("持有教师资格证的专任教师占全部专任教师的比例"),
    "G13": _("城区、镇区公办学校就近划片入学比例"),
    "G14": _("优质高中招生名额分配到初中的比例"),
    "G15": _("随迁子女在公办学校或政府购买学位就读的比例"),
    "E1": _("初中三年巩固率（区县填报）"),
    "E2": _("残疾儿童少年入学率（区县填报）"),
    "E4": _("每所学校教师培训经费不低于公用经费预算的5%"),
    "E9": _("国家义务教育质量监测各学科达到Ⅲ级及以上，且校际差异率低于0.15"),
    "S1": _("社会认可度调查结果（区县填报）"),
    "declared": _("定性指标：以申报和佐证材料认定，不由数据计算"),
    "cv": _("差异系数 = 标准差 ÷ 均值；均值与标准差均按在校生数加权（均值 = Σ学生数×指标值 ÷ Σ学生数）"),
    "composite_cv": _("综合差异系数 = 各项指标差异系数的算术平均数"),
    "school": _("学校达标：至少%(n)s项指标达到标准值，其余指标不低于标准值的%(floor)s%%"),
    "shortfall": _("缺口 = （标准值 − 现值）× 在校生数（每百名学生指标再除以100）；人数和教室数向上取整"),
    "class_size": _(
        "统计全县所有班级（含教学点、民办和特殊教育学校）：超过标准班额、56人及以上（大班额）、66人及以上（超大班额）的班级数及占比"
    ),
    "urban_rural_degree_ratio": _(
        "城镇学校本科及以上学历专任教师比例 ÷ 乡村学校本科及以上学历专任教师比例（小学和初中专任教师合并计算）"
    ),
    "rural_teachers_needed": _("按当前人数，乡村学校需增加（替换）的本科及以上学历教师人数，使比值达到目标"),
    "inter_school_difference_rate": _("各校平均分的差异系数，按参测学生数加权（本系统估算）"),
    "rate_vs_urban_quality": _("（城区优质学校参照均分 − 本校平均分）÷ 参照均分；参照均分按参测学生数加权"),
    "student_teacher_ratio": _("在校生数 ÷ 专任教师数"),
    "staff_ratio": _("在校生数 ÷ 教职工数（一贯制学校的教职工按在校生比例分摊）"),
}

# the natural unit of a shortfall (the engine stores its Chinese symbol)
UNITS = {"人": _("人"), "m²": "m²", "元": _("元"), "间": _("间")}

# ---------------------------------------------------------------- facts an item was judged on (the scalar ones a
# reader may see as "label：value"; lists of schools and subjects have their own lines in presenter.items)

FACTS = {
    "value": _("数值"),
    "threshold": _("标准"),
    "backbone_threshold": _("骨干教师标准"),
    "backbone_share": _("轮岗教师中骨干教师比例"),
    "not_reported": _("未填报人数"),
    "eligible": _("应交流轮岗教师"),
    "rotated": _("已交流轮岗教师"),
    "classes": _("班级数"),
    "required": _("应有"),
    "music": _("达标音乐教室"),
    "art": _("达标美术教室"),
    "students": _("学生数"),
    "limit": _("上限"),
    "funds": _("拨付经费"),
    "per_pupil": _("生均公用经费"),
    "public_budget": _("公用经费预算"),
    "training_funds": _("教师培训经费"),
    "teacher_pay": _("教师平均工资"),
    "civil_servant_pay": _("公务员平均工资"),
    "urban_nearby": _("城区就近入学比例"),
    "town_nearby": _("镇区就近入学比例"),
    "over_limit": _("超过标准班额的班级数"),
    "declared": _("申报"),
}
WORDS = {"east": _("东部"), "central_west": _("中西部"), "enrolment": _("按在校生数")}

# ---------------------------------------------------------------- rule-set settings (the rule-set pages)

PARAMS = {
    "split_weights": _("学段分摊权重"),
    "teaching_area_excludes_indoor_sports": _("教学及辅助用房面积不含室内体育用房"),
    "exclude_teaching_points_below": _("在校生少于此数的教学点不纳入计算（空 = 全部纳入）"),
    "include_private": _("纳入民办学校"),
    "thresholds": _("资源配置指标标准值"),
    "cv_limits": _("差异系数上限"),
    "composite_cv_limits": _("综合差异系数上限"),
    "school_min_met": _("学校达标需达到的指标项数"),
    "school_floor": _("每项指标达标学校比例下限"),
    "music_room_area": _("音乐专用教室面积（m²）"),
    "art_room_area": _("美术专用教室面积（m²）"),
    "classes_per_special_room": _("每间音乐/美术教室对应的班级数"),
    "school_size_limits": _("学校规模上限（人）"),
    "class_limits": _("标准班额（人）"),
    "large_class": _("大班额（人及以上）"),
    "super_large_class": _("超大班额（人及以上）"),
    "funding_rates": _("生均公用经费基准定额"),
    "training_hours": _("教师5年培训学时"),
    "training_share": _("完成培训学时的教师比例"),
    "rotation_share": _("交流轮岗教师比例"),
    "rotation_backbone_share": _("交流轮岗教师中骨干教师比例"),
    "certified_share": _("教师持证上岗比例"),
    "urban_nearby": _("城区就近划片入学比例（%）"),
    "town_nearby": _("镇区就近划片入学比例（%）"),
    "quota_allocation": _("优质高中招生名额分配比例（%）"),
    "migrant_public": _("随迁子女在公办学校或政府购买学位就读比例（%）"),
    "junior_retention": _("初中三年巩固率（%）"),
    "disabled_enrolment": _("残疾儿童少年入学率（%）"),
    "training_budget_share": _("教师培训经费占公用经费比例"),
    "monitoring_min_level": _("国家质量监测最低等级"),
    "difference_rate_limit": _("校际差异率上限"),
    "recognition": _("社会认可度（%）"),
    "degree_ratio_target": _("城乡本科学历教师比例之比上限"),
    "urban_codes": _("城镇学校的城乡分类代码"),
    "rural_codes": _("乡村学校的城乡分类代码"),
    "alternative_urban_codes": _("备选口径：城镇学校的城乡分类代码"),
    "alternative_rural_codes": _("备选口径：乡村学校的城乡分类代码"),
    "staffing_standard": _("编制标准（学生数/教职工）"),
    "staff_split": _("教职工在学段间的分摊方式"),
    # the remedy planner's settings (registered in the table by remedies.rule_params)
    "remedy_costs": _("补短板测算的单位成本"),
    "rotation_eligibility": _("交流轮岗：可参加交流的教师"),
    "rotation_balance": _("交流轮岗：编制平衡"),
    "rotation_school_targets": _("交流轮岗：各校 Q1–Q3 的目标"),
    "rotation_objective": _("交流轮岗：求解目标"),
    "rotation_max_distance_km": _("交流轮岗：最大交流距离（km，空 = 不限）"),
    "province_acceptance": _("数据审核：审核通过后还须省级验收"),
}
# names of the parts inside a setting
PARAM_PARTS = {
    **STAGES,
    "complete_secondary": _("完全中学"),
    "nine_year": _("九年一贯制学校"),
    "twelve_year": _("十二年一贯制学校"),
    "east_provinces": _("东部省份（行政区划代码前两位）"),
    "schedule": _("分年度定额"),
    "from_year": _("起始年度"),
    "east": _("东部"),
    "central_west": _("中西部"),
    "boarder_supplement": _("寄宿生补助（元/生）"),
    "small_school_floor": _("不足100人的学校按此人数拨付"),
    "special_education": _("特殊教育学校生均公用经费（元）"),
    # remedy_costs
    "teaching_area_per_m2": _("教学及辅助用房（元/m²）"),
    "sports_ground_per_m2": _("运动场地（元/m²）"),
    "equipment_per_yuan": _("教学仪器设备（元/元）"),
    "multimedia_room": _("网络多媒体教室（元/间）"),
    "teacher_year": _("专任教师（元/人·年，按学历）"),
    "backbone_premium_year": _("骨干教师加计（元/人·年）"),
    "teacher_years": _("教师成本计算年数"),
    "postgraduate": _("研究生"),
    "bachelor": _("本科"),
    "associate": _("专科"),
    "secondary": _("高中阶段"),
    "below_secondary": _("高中阶段以下"),
}
PARAM_WORDS = {
    "enrolment": _("按在校生数"),
    "flag": _("名册中标记为符合交流条件的专任教师"),
    "all": _("全部专任教师"),
    "subject": _("同学段同学科对调（各校各学科人数不变）"),
    "stage": _("同学段对调（各校各学段人数不变）"),
    "reach": _("各校达到标准值、差异系数不超过上限"),
    "keep": _("各校不低于现状（或标准值）、差异系数不扩大"),
    "moves": _("交流人次最少"),
    "distance": _("交流总距离最短"),
}
PARAM_SECTIONS = {
    "units": _("计算单位"),
    "resource": _("资源配置"),
    "government": _("政府保障程度"),
    "quality": _("教育质量与社会认可度"),
    "grouping": _("城乡分组"),
    "staffing": _("编制"),
    "remedies": _("补短板测算（资源缺口与交流轮岗）"),
    "other": _("其他"),
}
PARAM_VALUES = {None: _("不设"), True: _("是"), False: _("否"), "empty": _("（无）")}
NTH = _("第%(n)s项")

# ---------------------------------------------------------------- plan targets bound to a figure of the report

PLAN_INDICATORS = {
    "urban_rural_degree_ratio": _("城乡义务教育教师本科及以上学历比例之比"),
    "achievement.rate_vs_urban_quality": _("学业水平与城区优质学校差异率（最大值）"),
    "quality_2017.pass": _("达到县域义务教育优质均衡标准（1=是）"),
    "recognition.S1": _("社会认可度（%）"),
    "share_counties_quality_2017": _("达到优质均衡标准的区县比例（%）"),
}

# ---------------------------------------------------------------- sentences

CODE_LABEL = "%(code)s %(label)s"
# one failing item, one sentence (the first screen of the report)
CV_OVER = _("%(stage)s %(code)s 差异系数 %(value)s > %(limit)s")
SCHOOLS_FAILING = ngettext_lazy(
    "%(stage)s %(n)s 所学校资源配置未达标", "%(stage)s %(n)s 所学校资源配置未达标", "n"
)
ITEM_SENTENCE = _("%(code)s %(label)s：%(summary)s")

# what an item found, in one phrase (the value column of the inspection tables)
SUMMARY = {
    "schools_failing": {
        "G3": ngettext_lazy("%(n)s所学校专用教室不足", "%(n)s所学校专用教室不足", "n"),
        "G4": ngettext_lazy("%(n)s所学校超过规模上限", "%(n)s所学校超过规模上限", "n"),
        "E4": ngettext_lazy("%(n)s所学校培训经费不足5%%", "%(n)s所学校培训经费不足5%%", "n"),
    },
    "all_schools": _("全部学校达到"),
    "over_limit": ngettext_lazy("%(n)s个班超过标准班额", "%(n)s个班超过标准班额", "n"),
    "small_schools": _("不足100人学校%(n)s所，拨款不足%(short)s所"),
    "no_special_funding": _("无特殊教育学校经费数据"),
    "per_pupil": _("%(amount)s元/生"),
    "pay": _("教师%(teacher)s元 / 公务员%(civil)s元"),
    "rotation": _("交流比例%(share)s，骨干占%(backbone)s"),
    "monitoring": _("监测%(n)s个学科，未达到%(failing)s个"),
    "no_monitoring": _("未填报监测结果"),
    "nearby": _("城区%(urban)s，镇区%(town)s"),
}
# detail lines of items
LINE = _("%(label)s：%(value)s")
SCHOOL_LINE = _("%(school)s：%(facts)s")
SUBJECT_LINE = _("%(stage)s%(subject)s：等级 %(level)s，校际差异率 %(rate)s（%(mark)s）")
RATE_LINE = _("%(group)s定额：小学 %(primary)s 元/生，初中 %(junior)s 元/生")

# shortfalls (pages, text report, project prefill)
SHORTFALL_SHORT = _("%(code)s：现值 %(value)s，标准 %(threshold)s，尚缺 %(missing)s %(unit)s")
PREFILL_SCHOOL = _(
    "%(school)s（%(stage)s）%(code)s %(label)s：现值 %(value)s，标准 %(threshold)s，尚缺 %(missing)s %(unit)s"
)
PREFILL_INDICATOR = _("%(stage)s %(code)s %(label)s：全县均值 %(mean)s，差异系数 %(cv)s（上限 %(limit)s）")
PREFILL_RATIO_TARGET = _("目标 ≤ %(target)s")
PREFILL_RATIO_NEEDED = ngettext_lazy(
    "需增加本科及以上学历乡村教师 %(n)s 人", "需增加本科及以上学历乡村教师 %(n)s 人", "n"
)
PREFILL_VALUE = _("%(label)s：%(value)s")

# ---------------------------------------------------------------- "how computed"

EXPLAIN = {
    "students": _("纳入计算的学生数"),
    "units": _("纳入计算的学校（学段）数"),
    "units_missing": _("缺少数据未纳入的学校"),
    "sd": _("加权标准差"),
    "mean": _("加权均值"),
    "limit": _("上限"),
    "threshold": _("标准值"),
    "drivers": _("对差异系数影响最大的学校"),
    "value": _("现值"),
    "missing": _("尚缺"),
    "urban": _("城镇学校"),
    "rural": _("乡村学校"),
    "teachers": _("专任教师"),
    "bachelor_plus": _("其中本科及以上"),
    "reference_mean": _("城区优质学校参照均分"),
    "reference_schools": _("参照学校"),
    "indoor_sports_deducted": _("室内体育用房面积已从教学及辅助用房中扣除"),
    "source_report": _("来源：%(year)s学年标准数据表，计算于 %(at)s"),
    # where an input of one school comes from: the sheet of the standard workbook, the school, the year
    "source_sheet": _("%(sheet)s · %(school)s · %(year)s学年"),
    "sheet_school_years": _("学校学年数据表"),
    "sheet_teachers": _("教师名册"),
    "primary_students": _("小学在校生数"),
    "junior_students": _("初中在校生数"),
    "senior_students": _("高中在校生数"),
    "teaching_area": _("教学及辅助用房面积（m²）"),
    "indoor_sports_area": _("室内体育用房面积（m²）"),
    "sports_ground_area": _("运动场地面积（m²）"),
    "equipment_value": _("教学仪器设备值（元）"),
    "multimedia_rooms": _("网络多媒体教室数"),
    "teachers_counted": _("计入本指标的专任教师（人）"),
    "split": _("一贯制学校学段分摊：权重 %(weights)s，本学段分得 %(share)s"),
    "split_enrolment": _("一贯制学校学段分摊：按在校生数，本学段分得 %(share)s"),
    "stage_students": _("本学段在校生数"),
}

# ---------------------------------------------------------------- the text report and the report workbook

TEXT = {
    "title": _("%(county)s（%(code)s）%(year)s学年 义务教育均衡发展监测报告"),
    "stamp": _("计算时间：%(at)s　规则：%(rule_set)s 第%(version)s版"),
    "verdict_heading": _("一、优质均衡（2017）结论"),
    "part_line": _("%(part)s：%(verdict)s"),
    "failing_suffix": _("（未达标项：%(items)s）"),
    "resource_heading": _("二、资源配置 — %(stage)s（计算单位 %(units)s 个）"),
    "indicator_line": _(
        "%(code)s %(label)s：均值 %(mean)s（标准 %(threshold)s），差异系数 %(cv)s（上限 %(limit)s，%(mark)s）"
    ),
    "composite_line": _("综合差异系数（仅供参考）：%(value)s"),
    "schools_line": _("达标学校：%(passing)s / %(total)s"),
    "school_line": _("%(school)s：%(met)s项达标。%(gaps)s"),
    "gap": _("%(code)s 还差 %(missing)s %(unit)s"),
    "basic_heading": _("三、基本均衡（2012）综合差异系数"),
    "basic_line": _("%(stage)s：%(value)s（上限 %(limit)s，%(mark)s）"),
    "class_heading": _("四、班额"),
    "class_line": _(
        "%(stage)s：%(classes)s 个班，超过 %(limit)s 人 %(over)s 个，大班额 %(large)s 个，超大班额 %(super)s 个，最大班额 %(max)s 人"
    ),
    "ratio_heading": _("五、城乡专任教师本科以上学历比例"),
    "ratio_line": _(
        "城区 %(urban)s，乡村 %(rural)s，比值 %(ratio)s（目标 ≤ %(target)s，%(mark)s）；还需乡村本科教师 %(needed)s 人"
    ),
    "items_heading": _("六、政府保障程度、教育质量、社会认可度（逐项）"),
    "item_line": _("%(item)s：%(mark)s"),
    "achievement_heading": _("七、学业水平差异率（本系统估算）"),
    "achievement_line": _(
        "%(stage)s%(subject)s：校际差异率 %(rate)s，与城区优质学校差异率 ≥ %(limit)s 的学校 %(n)s 所"
    ),
    "stage_schools": ngettext_lazy("%(stage)s%(n)s所学校", "%(stage)s%(n)s所学校", "n"),
    "stage_cvs": _("%(stage)s差异系数 %(codes)s"),
}
SHEET = {
    "cover": _("概况"),
    "resource": _("资源配置（%(stage)s）"),
    "basic": _("基本均衡（2012）"),
    "class_size": _("班额"),
    "ratio": _("城乡学历比"),
    "achievement": _("学业质量"),
}
XLSX = {
    "title": _("%(county)s（%(code)s）县域义务教育优质均衡发展监测报告"),
    "year": _("学年"),
    "computed_at": _("计算时间"),
    "rule_set": _("规则版本"),
    "part": _("评估内容"),
    "verdict": _("结论"),
    "overall": _("总体"),
    "stage_title": _("%(stage)s资源配置 %(n)s 项指标（参与计算学校 %(units)s 所）"),
    "indicator": _("指标"),
    "name": _("名称"),
    "mean": _("均值"),
    "threshold": _("标准值"),
    "cv": _("差异系数"),
    "cv_limit": _("差异系数上限"),
    "cv_pass": _("差异系数达标"),
    "composite_cv": _("综合差异系数"),
    "schools_passing": _("达标学校数"),
    "school_code": _("学校标识码"),
    "school_name": _("学校名称"),
    "students": _("学生数"),
    "met": _("达标项数"),
    "school_pass": _("学校达标"),
    "shortfalls": _("差距"),
    "value": _("数值"),
    "standard": _("标准"),
    "pass": _("达标"),
    "found": _("情况"),
    "notes": _("说明"),
    "stage": _("学段"),
    "limit": _("上限"),
    "classes": _("班级数"),
    "over_limit": _("超标班额"),
    "large": _("大班额"),
    "super_large": _("超大班额"),
    "over_limit_share": _("超标比例"),
    "large_share": _("大班额比例"),
    "max": _("最大班额"),
    "urban_share": _("城区本科以上比例"),
    "rural_share": _("乡村本科以上比例"),
    "ratio": _("城乡比"),
    "target": _("目标"),
    "needed": _("乡村还需教师数"),
    "subject": _("学科"),
    "difference_rate": _("校际差异率"),
    "reference_mean": _("城区优质学校均分"),
    "school_mean": _("学校均分"),
    "rate_vs_urban_quality": _("与城区优质学校差异率"),
}
