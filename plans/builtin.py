"""The four built-in plans, transcribed from /work/shared/seeds (see shared/spec/plans.md).

What a seed does not say stays empty (shown as 待补充). Budgets and totals are recorded as published, even where
a declared total differs from the sum of its items (Subei 专栏8: declared 2630 万元, items sum to 3130 万元).
Loaded by migration 0002; `load(apps)` is idempotent on the plan slug.
"""

import datetime
from decimal import Decimal


def _end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


LINYI = {
    "slug": "linyi-rural-education-2023",
    "title": "临沂市建设乡村教育振兴先行区实施方案",
    "issuer": "临沂市人民政府办公室",
    "region_code": "371300",
    "region_name": "临沂市",
    "year": 2023,
    "period": "至2027年",
    "source_seed": "000_43c564b021f7f97f.txt",
    "summary": (
        "到2027年，城乡一体的教育资源配置机制全面建立，乡村学校（含幼儿园）办学条件全面改善，教师队伍素质全面提升，"
        "教育教学质量全面提高，乡村群众教育满意度进一步增强。"
    ),
    "structure_note": (
        "分为原则目标、重点工作和组织保障3个部分；提出12项工作任务，围绕12个领域论证编制了42项重点项目，"
        "逐一明确项目内容标准、目标时限和责任部门（来源文件只给出数量，42项重点项目清单待补充）。"
    ),
    "tasks": [
        (1, "深入推进全环境立德树人", "坚持乡村学校党的领导。“一校一案”制定并实施全环境立德树人工作方案。"),
        (
            2,
            "全面提升乡村学校办学条件",
            "优化学校布局规划，实施乡村学校标准化建设和幼儿园规范化建设系列工程，补齐乡村学校和幼儿园办学短板弱项。",
        ),
        (
            3,
            "优化乡村教师资源配置",
            "全面实行乡村学区内教师“走教”制度；持续落实公费师范生培养制度；全面落实“县管校聘”改革。",
        ),
        (
            4,
            "着力建强乡村教师队伍",
            "实施乡村教师学历提升计划、青年教师奖励计划等；实现城乡之间教师交流轮岗制度化。",
        ),
        (
            5,
            "加强乡村教师关爱激励",
            "提升乡村教师住房、生活、体检等待遇；推进乡村教师周转宿舍建设；落实乡村教师年度健康体检制度。",
        ),
        (6, "培育配备乡村优秀校长", "加强乡村优秀校长培育，推动义务教育校长交流轮岗，加大乡村校长培训力度。"),
        (7, "全域推开强镇筑基改革", "重点打造乡镇驻地中小学、幼儿园，辐射带动镇域教育质量整体提升。"),
        (
            8,
            "构建城乡协作发展共同体",
            "深化实施教育强校扩优行动；完善城乡一体教研制度，建立市县对乡村教研的支撑体系。",
        ),
        (9, "推动县域高中阶段教育内涵发展", "巩固县域高中作为县域基础教育的龙头作用，实施高中强科培优行动。"),
        (10, "创建乡村学校特色品牌", "实施乡村特色课程建设计划、校园劳动基地建设工程等。"),
        (11, "加快教育数字化转型升级", "实施乡村数字校园建设攻坚行动，推进乡村学校“互联网+”教学模式改革。"),
        (
            12,
            "优化乡村特殊儿童关爱服务",
            "依托设在乡镇的小学和初中实现乡镇特殊教育资源中心全覆盖；动态完善留守儿童台账。",
        ),
    ],
    "projects": [
        {
            "task": 8,
            "title": "市教研员定点联系学校、县区教研员帮扶乡村学校",
            "content_standard": (
                "市教研员每人至少联系2处乡村学校，县区教研员每人至少帮扶2所乡村学校，每学期到联系学校指导教学、"
                "参加教研活动不少于5次。"
            ),
            "deadline_note": "每学期",
        },
        {
            "task": 6,
            "title": "乡村校长轮训",
            "content_standard": "实施乡村校长市级专题培训，新任职校长接受岗前任职资格培训，5年内实现校长轮训全覆盖。",
            "deadline_note": "5年内",
        },
    ],
    "targets": [
        {
            "description": "城市与农村义务教育教师本科及以上学历比例之比降至1.05以内",
            "indicator_code": "urban_rural_degree_ratio",
            "comparator": "lte",
            "value": Decimal("1.05"),
            "deadline": _end(2027),
        },
        {
            "description": "力争60%以上县区达到县域义务教育优质均衡发展水平",
            "indicator_code": "share_counties_quality_2017",
            "comparator": "gte",
            "value": Decimal("60"),
            "unit": "%",
            "deadline": _end(2027),
            "note": "来源文件同时要求学前教育普及普惠发展，本目标只评估义务教育优质均衡。",
        },
    ],
}

JINAN = {
    "slug": "jinan-strong-towns-2023",
    "title": "济南市深化教育强镇筑基行动实施方案",
    "region_code": "370100",
    "region_name": "济南市",
    "period": "至“十四五”末（2025年）",
    "source_seed": "004_572ca8d482b0abc2.txt",
    "summary": "开展“十大提升行动”，力争到“十四五”末全市80%以上乡镇实现六项目标。来源为2023-04-24政策解读在线访谈。",
    "structure_note": "来源文件列出“十大提升行动”中的九项，第十项待补充。",
    "tasks": [
        (
            1,
            "办学条件提升行动",
            "功能室建设、教学设备、生活服务设施、教育信息化建设与应用水平不低于城区学校（幼儿园）。",
        ),
        (2, "全环境立德树人深化行动", "制定“一镇一案”全环境立德树人实施方案，细化任务清单。"),
        (
            3,
            "教师队伍发展行动",
            "加大镇驻地学校学科骨干教师、本科学历以上（中小学）和专科学历以上（幼儿园）教师配备力度。",
        ),
        (
            4,
            "教育教学质量增效行动",
            "建立市级、区级骨干教师、教研员联系帮扶学校制度；开展乡镇学校教学管理诊断。",
        ),
        (5, "学段衔接攻坚行动", "丰富“泉引桥”品牌内涵，组织“泉引桥”调研督导，确保学校全覆盖。"),
        (6, "智慧教育支撑行动", "按照省定要求补足配齐信息化设备。"),
        (7, "中小学生读书行动", "提高中小学图书馆（室）图书质量，制定书香校园建设方案。"),
        (8, "办学活力激发行动", "打破镇域学校管理体制限制，探索办学机制。"),
        (9, "发展评价探索行动", "开发强镇筑基发展性评估办法，构建具有学校特色的高质量教育评价体系。"),
        (10, "", ""),
    ],
    "projects": [],
    "targets": [
        {
            "description": "全市80%以上乡镇实现以下六项目标",
            "comparator": "gte",
            "value": Decimal("80"),
            "unit": "%",
            "deadline": _end(2025),
            "note": "乡镇层面的达标情况暂无数据来源，需人工填报。",
        },
        {"description": "目标一：优化学校办学条件（不低于城区学校）", "deadline": _end(2025)},
        {
            "description": "目标二：学生学业水平与城区优质学校差异率低于0.15",
            "indicator_code": "achievement.rate_vs_urban_quality",
            "comparator": "lt",
            "value": Decimal("0.15"),
            "deadline": _end(2025),
            "note": "按区县内差异率最大的学校评估。同一目标还要求学生普遍掌握一门以上艺术特长（无数据）。",
        },
        {
            "description": "目标三：县级以上学科骨干教师比例、中小学本科学历以上教师比例不低于城区",
            "deadline": _end(2025),
        },
        {"description": "目标四：营造温馨校园环境", "deadline": _end(2025)},
        {"description": "目标五：常态开展联动帮扶", "deadline": _end(2025)},
        {
            "description": "目标六：家长、学生满意度达到95%以上",
            "indicator_code": "recognition.S1",
            "comparator": "gte",
            "value": Decimal("95"),
            "unit": "%",
            "deadline": _end(2025),
            "note": "以社会认可度调查（S1）为口径。",
        },
    ],
}

HENAN = {
    "slug": "henan-basic-public-education-2024",
    "title": "关于构建优质均衡的基本公共教育服务体系的实施方案",
    "region_code": "410000",
    "region_name": "河南省",
    "year": 2024,
    "period": "至2035年",
    "source_seed": "002_8f0a505dbfdf568e.txt",
    "summary": "通过实施义务教育学校标准化建设等“十项行动”，到2035年全省实现义务教育优质均衡发展。",
    "structure_note": "保障措施：县级党委和政府每年至少听取1次义务教育工作汇报。",
    "tasks": [
        (1, "义务教育学校标准化建设行动", "严格执行国家规定的班额标准，鼓励有条件的地方探索小班化教学。"),
        (2, "义务教育强校提质“四个一批”行动", "挖潜扩容、新建、集团化转化、城乡共同体“1+1+N帮扶”。"),
        (3, "师资配置优化行动", "落实城乡统一的中小学教职工编制标准，配齐配足学校所需教师。"),
        (4, "教师校长能力素养提升行动", "完善五级联动教师校长培训体系；实施乡村教师培训与学历提升融合项目。"),
        (5, "中小学数字校园提升行动", "将网络环境纳入学校办学条件基本标准，推进校园网络全光网改造。"),
        (6, "特殊群体学生关爱行动", "鼓励20万人口以上的县（市、区）办好一所达到标准的特殊教育学校。"),
        (7, "学生资助精准化行动", "完善覆盖全学段的学生资助体系。"),
        (8, "毕业生就业创业服务提升行动", "完善分阶段、全覆盖的全程化职业生涯与就业指导体系。"),
        (9, "学生卫生健康服务提升行动", "落实寄宿制学校或600名学生以上非寄宿制学校配备校医制度。"),
        (10, "公共文化体育服务提升行动", "保障每名中小学生每学期至少观看2次优秀影片。"),
    ],
    "projects": [
        {
            "task": 1,
            "title": "严格执行国家规定的班额标准",
            "content_standard": "严格执行国家规定的班额标准，鼓励有条件的地方探索小班化教学。",
        },
        {
            "task": 2,
            "title": "“1+1+N帮扶”计划",
            "content_standard": "1所城区义务教育学校对口1个乡镇、结对N所乡村学校，组成城乡学校共同体。",
        },
        {
            "task": 6,
            "title": "特殊教育学校建设",
            "content_standard": "20万人口以上的县（市、区）办好一所达到标准的特殊教育学校。",
        },
        {
            "task": 9,
            "title": "配备校医",
            "content_standard": "寄宿制学校或600名学生以上非寄宿制学校配备校医。",
        },
        {
            "task": 10,
            "title": "优秀影片进校园",
            "content_standard": "每名中小学生每学期至少观看2次优秀影片。",
            "deadline_note": "每学期",
        },
        {
            "title": "县级党委和政府听取义务教育工作汇报",
            "content_standard": "县级党委和政府每年至少听取1次义务教育工作汇报。",
            "deadline_note": "每年",
        },
    ],
    "targets": [
        {
            "description": "全省30%左右的县（市、区）实现义务教育优质均衡发展目标",
            "indicator_code": "share_counties_quality_2017",
            "comparator": "gte",
            "value": Decimal("30"),
            "unit": "%",
            "deadline": _end(2027),
            "note": "原文为“30%左右”。",
        },
        {
            "description": "全省80%左右的县（市、区）实现义务教育优质均衡发展目标",
            "indicator_code": "share_counties_quality_2017",
            "comparator": "gte",
            "value": Decimal("80"),
            "unit": "%",
            "deadline": _end(2030),
            "note": "原文为“80%左右”。",
        },
        {
            "description": "全省各县（市、区）均实现义务教育优质均衡发展目标",
            "indicator_code": "share_counties_quality_2017",
            "comparator": "gte",
            "value": Decimal("100"),
            "unit": "%",
            "deadline": _end(2035),
        },
    ],
}

SUBEI = {
    "slug": "subei-education-14th-five-year",
    "title": "肃北县教育事业发展“十四五”规划（2021-2025）",
    "issuer": "肃北县人民政府办公室",
    "document_number": "肃政办发〔2022〕18号",
    "region_code": "620923",
    "region_name": "肃北蒙古族自治县",
    "year": 2022,
    "period": "2021-2025",
    "source_seed": "003_d280c170b1355ccc.txt",
    "summary": "到2025年，教育事业发展和人力资源开发达到全市平均水平，达到国家级义务教育优质均衡认定标准。",
    "structure_note": "主要任务分四个方面，附专栏1–14。",
    "tasks": [
        (
            1,
            "更好适应学生发展需求",
            "“五育并举”培育时代新人；系统提升教育教学质量；对接未来教育发展样态。确保学生体质健康达标率达99%以上。",
        ),
        (2, "大力支持教师队伍建设", "全面促进教师专业发展；切实提高教师劳动回报；着力优化教师工作环境。"),
        (3, "全面服务学校自主发展", "改进对学校的管理方式；加强学校内涵文化建设；健全办学保障支持体系。"),
        (
            4,
            "准确回应群众教育期盼",
            "完善教育公共服务体系；促进优质教育全民共享；狠抓校园安全卫生保健；增强家庭社会育人合力。",
        ),
    ],
    "boxes": [
        (
            1,
            1,
            "健全中小学生学习帮扶制度",
            "到2022年，全面建立学有困难学生学习帮扶制度；到2025年，学生学业的增值水平和群体均衡度全面提升。",
            None,
        ),
        (
            2,
            1,
            "区域推进基于课程标准的教学评一致性的实践研究",
            "到2022年，形成一批“基于教学评一致性”教学设计与课堂实施优秀案例；到2025年，健全完善区域教研、校本教研、网络教研、综合教研制度。",
            None,
        ),
        (
            3,
            1,
            "推进中小学教育质量综合评价改革",
            "到2022年，中小学教育质量综合评价监测学校覆盖率达100%，学生抽样率保持在50%以上；到2025年，中小学教育质量达到全市平均水平。",
            None,
        ),
        (
            4,
            2,
            "实施教师师德档案管理",
            "到2025年，建立公平公正、科学客观、规范有序的教师师德档案管理制度。",
            None,
        ),
        (
            5,
            2,
            "保障和支持教师依法履行职责",
            "到2022年，建立起保障和支持教师依法履行职责的良好政策环境；到2025年，有关政策规章及制度体系进一步健全。",
            None,
        ),
        (6, 3, "创新教育系统党建工作领导体制", "到2025年，建立党建引领区域教育高质量发展的有效机制。", None),
        (
            7,
            3,
            "校园风貌设施达标提升计划",
            "对肃北中学、蒙古族学校、县城小学等3所中小学分批实施校园风貌改造和功能提档升级。到2022年，教育设施设备不低于酒泉市教育现代化配备标准；到2025年，基本形成“一校一品、一校一景”学校文化建设格局。",
            None,
        ),
        (
            8,
            3,
            "教育事业重点工程",
            "“十四五”期间，全县规划投资2630万元，计划重点建设教育项目5项。",
            Decimal("2630"),
        ),
        (9, 4, "学前教育课程建设", "到2025年，学前教育课程建设取得阶段性成效。", None),
        (
            10,
            4,
            "义务教育优质均衡发展达标攻坚",
            "对标骨干教师和音体美学科教师配备等生均指标。到2025年，实现全体学生享受优质义务教育，创建全国义务教育发展优质均衡县。",
            None,
        ),
        (
            11,
            4,
            "深化新时代普通高中育人方式改革",
            "到2022年，普通高中新课程新教材全面落实；到2025年，普通高中人才培养质量显著提升。",
            None,
        ),
        (
            12,
            4,
            "升级校园卫生防疫工作体系",
            "到2025年，全县中小学及幼儿园卫生室（保健室）标准化建设全覆盖，为每所学校（园）配备1—2名卫生专业技术人员。",
            None,
        ),
        (13, 4, "实施校园食品安全守护行动", "到2025年，膳食服务水平明显改善，师生满意度达100%。", None),
        (
            14,
            4,
            "学校、家庭、社会协同育人体系建设",
            "到2022年，全县合格家长学校建成率达100%，学校家长委员会建成率达100%，“家庭教育讲坛”覆盖全县学生家庭。",
            None,
        ),
    ],
    "projects": [
        {
            "task": 3,
            "box": 8,
            "number": 1,
            "title": "党城湾镇教师周转房项目",
            "budget": Decimal("630"),
            "deadline_note": "“十四五”期间",
        },
        {
            "task": 3,
            "box": 8,
            "number": 2,
            "title": "教师周转房设施设备购置",
            "budget": Decimal("100"),
            "deadline_note": "“十四五”期间",
        },
        {
            "task": 3,
            "box": 8,
            "number": 3,
            "title": "建设师资培训中心",
            "budget": Decimal("1600"),
            "deadline_note": "“十四五”期间",
        },
        {
            "task": 3,
            "box": 8,
            "number": 4,
            "title": "师资培训中心设施设备购置",
            "budget": Decimal("300"),
            "deadline_note": "“十四五”期间",
        },
        {
            "task": 3,
            "box": 8,
            "number": 5,
            "title": "中小学信息设备置换更新",
            "budget": Decimal("500"),
            "deadline_note": "“十四五”期间",
        },
    ],
    "targets": [
        {
            "description": "到2025年达到国家级义务教育优质均衡认定标准",
            "indicator_code": "quality_2017.pass",
            "comparator": "gte",
            "value": Decimal("1"),
            "deadline": _end(2025),
        },
        {
            "task": 1,
            "description": "学生体质健康达标率达99%以上",
            "comparator": "gte",
            "value": Decimal("99"),
            "unit": "%",
            "deadline": _end(2025),
        },
        {
            "task": 1,
            "description": "专栏3：教育质量综合评价监测学校覆盖率达100%，学生抽样率50%以上",
            "deadline": _end(2022),
        },
        {
            "task": 4,
            "description": "专栏12：每所学校（园）配备1—2名卫生专业技术人员，卫生室标准化建设全覆盖",
            "deadline": _end(2025),
        },
        {
            "task": 4,
            "description": "专栏14：合格家长学校建成率、学校家长委员会建成率达100%",
            "deadline": _end(2022),
        },
    ],
}

PLANS = [LINYI, JINAN, HENAN, SUBEI]
PLAN_FIELDS = (
    "title", "issuer", "document_number", "region_code", "region_name", "year", "period", "source_seed",
    "summary", "structure_note",
)  # fmt: skip


def load(apps, schema_editor=None) -> None:
    Plan = apps.get_model("plans", "Plan")
    Task = apps.get_model("plans", "Task")
    ProgrammeBox = apps.get_model("plans", "ProgrammeBox")
    Project = apps.get_model("plans", "Project")
    Target = apps.get_model("plans", "Target")
    for spec in PLANS:
        if Plan.objects.filter(slug=spec["slug"]).exists():
            continue
        plan = Plan.objects.create(
            slug=spec["slug"], built_in=True, **{k: spec[k] for k in PLAN_FIELDS if k in spec}
        )
        tasks = {
            number: Task.objects.create(plan=plan, number=number, title=title, description=description)
            for number, title, description in spec["tasks"]
        }
        boxes = {
            number: ProgrammeBox.objects.create(
                plan=plan,
                task=tasks.get(task),
                number=number,
                title=title,
                content=content,
                declared_total=total,
            )
            for number, task, title, content, total in spec.get("boxes", [])
        }
        for item in spec["projects"]:
            item = dict(item)
            task, box = tasks.get(item.pop("task", None)), boxes.get(item.pop("box", None))
            Project.objects.create(plan=plan, task=task, box=box, **item)
        for item in spec["targets"]:
            item = dict(item)
            task = tasks.get(item.pop("task", None))
            Target.objects.create(
                plan=plan,
                task=task,
                region_code=spec["region_code"],
                region_name=spec["region_name"],
                **item,
            )


def unload(apps, schema_editor=None) -> None:
    apps.get_model("plans", "Plan").objects.filter(
        slug__in=[p["slug"] for p in PLANS], built_in=True
    ).delete()
