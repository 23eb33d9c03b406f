"""Chinese names of the report's parts, verdicts, stages and indicator codes: one place for every page and
the text report."""

PART_LABELS = {
    "resource": "资源配置",
    "government": "政府保障程度",
    "quality": "教育质量",
    "recognition": "社会认可度",
}
VERDICT_LABELS = {"pass": "达标", "fail": "未达标", "incomplete": "数据不全"}
STAGE_LABELS = {"primary": "小学", "junior": "初中"}
INDICATOR_LABELS = {
    "Q1": "每百名学生拥有高于规定学历教师数",
    "Q2": "每百名学生拥有县级以上骨干教师数",
    "Q3": "每百名学生拥有体育、艺术专任教师数",
    "Q4": "生均教学及辅助用房面积（m²）",
    "Q5": "生均体育运动场馆面积（m²）",
    "Q6": "生均教学仪器设备值（元）",
    "Q7": "每百名学生拥有网络多媒体教室数",
    "B1": "生均教学及辅助用房面积",
    "B2": "生均体育运动场馆面积",
    "B3": "生均教学仪器设备值",
    "B4": "每百名学生拥有计算机台数",
    "B5": "生均图书册数",
    "B6": "师生比",
    "B7": "生均高于规定学历教师数",
    "B8": "生均中级及以上专业技术职务教师数",
    "G1": "县域义务教育学校规划布局",
    "G2": "学校建设标准",
    "G3": "音乐、美术专用教室",
    "G4": "学校规模",
    "G5": "班额",
    "G6": "不足100名学生的学校按100名拨付公用经费",
    "G7": "特殊教育学校生均公用经费",
    "G8": "教师平均工资不低于公务员",
    "G9": "教师5年360学时培训",
    "G10": "教职工编制",
    "G11": "教师交流轮岗",
    "G12": "教师资格持证上岗",
    "G13": "就近划片入学",
    "G14": "优质高中招生名额分配",
    "G15": "随迁子女在公办学校或政府购买学位就读",
    "E1": "初中三年巩固率",
    "E2": "残疾儿童少年入学率",
    "E3": "学校章程与管理、教学信息化",
    "E4": "教师培训经费占公用经费5%",
    "E5": "教师信息化教学与设施设备利用",
    "E6": "德育工作与校园文化建设",
    "E7": "课程开齐开足与综合实践活动",
    "E8": "无过重课业负担",
    "E9": "国家义务教育质量监测",
    "S1": "社会认可度",
}


def _pct(value, threshold=None) -> str:
    """Shares arrive as fractions (G9, G11, G12: threshold ≤ 1) or as percentages (county inputs)."""
    if value is None:
        return "未填报"
    as_fraction = threshold is not None and threshold <= 1
    return f"{value * 100:.1f}%" if as_fraction else f"{value:.1f}%"


def item_summary(code: str, item: dict) -> str:
    """One short Chinese phrase for a government, quality or recognition item of the stored report: what a reader
    of the inspection tables expects in the value column."""
    item = item or {}
    if "declared" in item:
        return "已申报" if item["declared"] else "未申报"
    if code in ("G3", "G4", "E4"):
        failing = len(item.get("failing_schools") or [])
        what = {"G3": "专用教室不足", "G4": "超过规模上限", "E4": "培训经费不足5%"}[code]
        return f"{failing}所学校{what}" if failing else "全部学校达到"
    if code == "G5":
        return f"{item.get('over_limit') or 0}个班超过标准班额"
    if code == "G6":
        small = item.get("small_schools") or []
        short = sum(1 for s in small if s.get("funds") is None or s["funds"] < s["required"])
        return f"不足100人学校{len(small)}所，拨款不足{short}所"
    if code == "G7":
        schools = item.get("special_schools") or []
        values = [f"{s['per_pupil']:,.0f}元/生" for s in schools if s.get("per_pupil") is not None]
        return "；".join(values) if values else "无特殊教育学校经费数据"
    if code == "G8":
        pay, civil = item.get("teacher_pay"), item.get("civil_servant_pay")
        if pay is None or civil is None:
            return "未填报"
        return f"教师{float(pay):,.0f}元 / 公务员{float(civil):,.0f}元"
    if code == "G11":
        threshold = item.get("threshold")
        return f"交流比例{_pct(item.get('value'), threshold)}，骨干占{_pct(item.get('backbone_share'), threshold)}"
    if code == "E9":
        subjects = item.get("subjects") or []
        failing = sum(1 for s in subjects if s.get("pass") is False)
        return f"监测{len(subjects)}个学科，未达到{failing}个" if subjects else "未填报监测结果"
    if code == "G13":
        return f"城区{_pct(item.get('urban_nearby'))}，镇区{_pct(item.get('town_nearby'))}"
    if "value" in item:
        return _pct(item.get("value"), item.get("threshold"))
    return ""
