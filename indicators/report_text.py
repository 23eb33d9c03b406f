"""The county report as readable Chinese text (manage.py balance_report --format text), from the stored JSON."""

from typing import Any

from .labels import INDICATOR_LABELS, PART_LABELS, STAGE_LABELS, VERDICT_LABELS, item_summary


def _item(code: str) -> str:
    return f"{code} {INDICATOR_LABELS[code]}" if code in INDICATOR_LABELS else code


def _n(value, digits=3) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _mark(value) -> str:
    return {True: "达标", False: "未达标", None: "无法判定"}[value]


def _failing_resource(q: dict[str, Any]) -> str:
    """Resource failures grouped by stage: CVs over the limit by code, failing schools by count."""
    parts = []
    for stage in ("primary", "junior"):
        cvs = [code for code, ind in q[stage]["indicators"].items() if ind["cv_pass"] is False]
        schools = sum(1 for s in q[stage]["schools"] if s["pass"] is False)
        if cvs:
            parts.append(f"{STAGE_LABELS[stage]}差异系数 {'、'.join(cvs)}")
        if schools:
            parts.append(f"{STAGE_LABELS[stage]}{schools}所学校")
    return "、".join(parts)


def render(report: dict[str, Any]) -> str:
    county, q, b = report["county"], report["quality_2017"], report["basic_2012"]
    rs = report.get("rule_set", {})
    lines = [
        f"{county['name']}（{county['code']}）{report['year']}学年 义务教育均衡发展监测报告",
        f"计算时间：{report.get('computed_at', '—')}　规则：{rs.get('code', '—')} 第{rs.get('version', '—')}版",
        "",
        "一、优质均衡（2017）结论",
    ]
    parts = PART_LABELS
    for key, label in parts.items():
        failing = (
            _failing_resource(q)
            if key == "resource"
            else "；".join(_item(c) for c in q.get("failing_items", {}).get(key) or [])
        )
        extra = f"（未达标项：{failing}）" if failing else ""
        lines.append(f"  {label}：{VERDICT_LABELS[q['verdict'][key]]}{extra}")
    for stage in ("primary", "junior"):
        block = q[stage]
        lines += ["", f"二、资源配置 — {STAGE_LABELS[stage]}（计算单位 {block['units']} 个）"]
        for code, ind in block["indicators"].items():
            lines.append(
                f"  {code} {INDICATOR_LABELS[code]}：均值 {_n(ind['mean'])}（标准 {_n(ind['threshold'], 1)}），"
                f"差异系数 {_n(ind['cv'])}（上限 {_n(ind['cv_limit'], 2)}，{_mark(ind['cv_pass'])}）"
            )
        lines.append(f"  综合差异系数（仅供参考）：{_n(block['composite_cv'])}")
        lines.append(f"  达标学校：{block['schools_passing']} / {len(block['schools'])}")
        for school in block["schools"]:
            if school["pass"] is True:
                continue
            gaps = "；".join(
                f"{k} 还差 {_n(s['missing'], 0 if s['unit'] in ('人', '间') else 1)} {s['unit']}"
                for k, s in school["shortfalls"].items()
            )
            lines.append(f"    · {school['name'] or school['code']}：{school['met']}项达标。{gaps}")
    lines += ["", "三、基本均衡（2012）综合差异系数"]
    for stage in ("primary", "junior"):
        block = b[stage]
        lines.append(
            f"  {STAGE_LABELS[stage]}：{_n(block['composite_cv'])}（上限 {_n(block['limit'], 2)}，{_mark(block['pass'])}）"
        )
    lines += ["", "四、班额"]
    for stage in ("primary", "junior"):
        c = report["class_size"][stage]
        lines.append(
            f"  {STAGE_LABELS[stage]}：{c['classes']} 个班，超过 {c['limit']} 人 {c['over_limit']} 个，"
            f"大班额 {c['large']} 个，超大班额 {c['super_large']} 个，最大班额 {c['max'] or '—'} 人"
        )
    ur = report["urban_rural_degree_ratio"]
    lines += [
        "",
        "五、城乡专任教师本科以上学历比例",
        f"  城区 {_n(ur['urban_share'])}，乡村 {_n(ur['rural_share'])}，比值 {_n(ur['ratio'])}"
        f"（目标 ≤ {ur['target']}，{_mark(ur['pass'])}）；还需乡村本科教师 {ur['rural_teachers_needed'] or 0} 人",
    ]
    lines += ["", "六、政府保障程度、教育质量、社会认可度（逐项）"]
    for part in ("government", "quality", "recognition"):
        for code, item in (q.get(part) or {}).items():
            summary = item_summary(code, item)
            lines.append(
                f"  {_item(code)}：{_mark(item.get('pass'))}" + (f"（{summary}）" if summary else "")
            )
    lines += ["", "七、学业水平差异率（本系统估算）"]
    for stage in ("primary", "junior"):
        for subject, a in report["achievement"].get(stage, {}).items():
            failing = sum(1 for s in a["schools"] if s["pass"] is False)
            lines.append(
                f"  {STAGE_LABELS[stage]}{subject}：校际差异率 {_n(a['inter_school_difference_rate'])}，"
                f"与城区优质学校差异率 ≥ 0.15 的学校 {failing} 所"
            )
    return "\n".join(lines) + "\n"
