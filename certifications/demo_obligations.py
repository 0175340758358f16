"""The demo plant's compliance obligations and permits: the laws, regulations and standards a
Tianjin battery-recycling plant operates under, their evaluations of compliance (one not compliant,
with its finding; one overdue), and its permits (the hazardous-waste licence up for renewal)."""

from __future__ import annotations

import datetime as dt

from greenfactory.accounts.models import User

from .models import Clause, EvaluationResult, Obligation, ObligationSource, PermitKind
from .models.obligations import add_months
from .services import obligations as obligation_services
from .services import permits as permit_services

S = ObligationSource
# reference, Chinese title, English title, source, issuer, article, effective from, review months,
# processes, clauses (standard code, number)
OBLIGATIONS = (
    ("LAW-EPL", "中华人民共和国环境保护法", "Environmental Protection Law of the PRC", S.LAW,
     "全国人民代表大会常务委员会", "第四十二条、第四十五条", dt.date(2015, 1, 1), 12, "全厂",
     (("ISO 14001", "6.1.3"),)),
    ("LAW-SWL", "中华人民共和国固体废物污染环境防治法", "Law on the Prevention and Control of "
     "Environmental Pollution by Solid Waste", S.LAW, "全国人民代表大会常务委员会", "第六章 危险废物",
     dt.date(2020, 9, 1), 12, "拆解、破碎分选、危废暂存", (("ISO 14001", "6.1.3"),)),
    ("REG-HWL", "危险废物经营许可证管理办法", "Measures for the Administration of Hazardous Waste "
     "Operation Licences", S.REGULATION, "国务院", "第五条、第十五条", dt.date(2004, 7, 1), 12,
     "废电解液、废隔膜收集贮存", (("ISO 14001", "6.1.3"),)),
    ("IND-NEV-2019", "新能源汽车废旧动力蓄电池综合利用行业规范条件(2019年本)", "Industry conditions for "
     "the comprehensive use of spent NEV power batteries (2019 edition)", S.INDUSTRY, "工业和信息化部",
     "", None, 12, "梯次利用、再生利用", ()),
    ("IND-NEV-2024", "新能源汽车废旧动力电池综合利用行业规范条件(2024年本)", "Industry conditions for "
     "the comprehensive use of spent NEV power batteries (2024 edition)", S.INDUSTRY, "工业和信息化部",
     "三、资源综合利用及能耗", None, 12, "再生利用：放电、拆解、破碎、湿法冶金", (("ISO 14001", "6.1.3"),)),
    ("REG-PDP", "排污许可管理条例", "Regulations on the Administration of Pollutant Discharge Permits",
     S.REGULATION, "国务院", "第十九条 自行监测", dt.date(2021, 3, 1), 12, "废水、废气排放口",
     (("ISO 14001", "9.1.2"),)),
    ("STD-GB8978", "污水综合排放标准 GB 8978-1996", "Integrated wastewater discharge standard",
     S.NATIONAL_STANDARD, "国家环境保护局", "表4 三级标准", dt.date(1998, 1, 1), 12, "废水总排口",
     (("ISO 14001", "9.1.2"),)),
    ("STD-GB16297", "大气污染物综合排放标准 GB 16297-1996", "Integrated emission standard of air "
     "pollutants", S.NATIONAL_STANDARD, "国家环境保护局", "表2 颗粒物、非甲烷总烃", dt.date(1997, 1, 1), 12,
     "破碎分选除尘排气筒、电解液挥发", (("ISO 14001", "9.1.2"),)),
    ("STD-GB18597", "危险废物贮存污染控制标准 GB 18597-2023", "Standard for pollution control on "
     "hazardous waste storage", S.NATIONAL_STANDARD, "生态环境部", "6.1 贮存设施", dt.date(2023, 7, 1), 6,
     "危废暂存间", (("ISO 14001", "6.1.3"),)),
    ("STD-GB12348", "工业企业厂界环境噪声排放标准 GB 12348-2008", "Emission standard for industrial "
     "enterprises noise at boundary", S.NATIONAL_STANDARD, "环境保护部", "3类声环境功能区",
     dt.date(2008, 10, 1), 12, "破碎机、风机", ()),
    ("LAW-WSL", "中华人民共和国安全生产法", "Work Safety Law of the PRC", S.LAW,
     "全国人民代表大会常务委员会", "第二十一条、第四十一条", dt.date(2021, 9, 1), 12, "全厂",
     (("ISO 45001", "6.1.3"),)),
    ("LAW-FIRE", "中华人民共和国消防法", "Fire Protection Law of the PRC", S.LAW,
     "全国人民代表大会常务委员会", "第十六条", dt.date(2009, 5, 1), 12, "电池仓库、拆解线",
     (("ISO 45001", "6.1.3"),)),
    ("LAW-ECL", "中华人民共和国节约能源法", "Energy Conservation Law of the PRC", S.LAW,
     "全国人民代表大会常务委员会", "第五十二条 重点用能单位", dt.date(2008, 4, 1), 12, "全厂用能",
     (("ISO 50001", "6.1"),)),
)  # fmt: skip

# reference, Chinese title, English title, kind, number, issuer, scope, issued days ago, valid years
# (None: no expiry), reminder days
PERMITS = (
    ("PMT-PDP", "排污许可证", "Pollutant discharge permit", PermitKind.DISCHARGE, "91120116MA06TJ0001001V",
     "天津市滨海新区行政审批局", "废水总排口 DW001、废气排气筒 DA001-DA003", 900, 5, 120),
    ("PMT-HW", "危险废物经营许可证", "Hazardous-waste operation licence", PermitKind.HAZARDOUS_WASTE,
     "津危废经字第 2021-036 号", "天津市生态环境局", "HW49 废电池及废电解液收集、贮存、利用 2 万吨/年",
     1781, 5, 120),
    ("PMT-IND", "新能源汽车废旧动力电池综合利用行业规范条件企业名单公告", "Listed under the battery-"
     "recycling industry conditions", PermitKind.INDUSTRY_CONDITIONS, "工信部公告 再生利用 第三批",
     "工业和信息化部", "再生利用", 700, None, 90),
    ("PMT-FIRE", "建设工程消防验收意见书", "Fire acceptance of the plant", PermitKind.FIRE_ACCEPTANCE,
     "津滨住建消验字〔2021〕第 0187 号", "天津市滨海新区住房和建设委员会", "1# 厂房、2# 电池仓库", 1900, None, 90),
)  # fmt: skip

# Conditions of the discharge permit (each an obligation to evaluate).
CONDITIONS = (
    ("PMT-PDP-C1", "废水总排口 COD ≤ 500 mg/L、氨氮 ≤ 45 mg/L", "Outfall COD ≤ 500 mg/L, ammonia ≤ 45 mg/L",
     "许可排放浓度"),
    ("PMT-PDP-C2", "按自行监测方案每季度监测废气并公开", "Quarterly self-monitoring of air emissions, "
     "published", "自行监测要求"),
    ("PMT-PDP-C3", "每年 1 月 15 日前提交执行报告", "Annual implementation report by 15 January",
     "执行报告"),
)  # fmt: skip


def _clauses(pairs) -> list[Clause]:
    found = []
    for code, number in pairs:
        clause = Clause.objects.filter(standard__code=code, number=number).first()
        if clause is not None:
            found.append(clause)
    return found


def demo_obligations_load(*, site, staff: User, today: dt.date) -> int:
    """Load the demo obligations and permits once (nothing happens when an obligation exists)."""
    if Obligation.objects.exists():
        return 0
    obligations = {}
    for ref, zh, en, source, issuer, article, effective, months, processes, clauses in OBLIGATIONS:
        obligations[ref] = obligation_services.obligation_create(
            by=staff, reference=ref, title=en, title_zh=zh, source_type=source, issuer=issuer,
            article=article, effective_on=effective, review_months=months, processes=processes,
            owner=staff, sites=[site], clauses=_clauses(clauses),
        )  # fmt: skip
    obligation_services.obligation_update(
        obligation=obligations["IND-NEV-2019"], by=staff, superseded_by=obligations["IND-NEV-2024"]
    )
    for ref, zh, en, kind, number, issuer, scope, ago, years, reminder in PERMITS:
        issued = today - dt.timedelta(days=ago)
        permit = permit_services.permit_create(
            by=staff, reference=ref, title=en, title_zh=zh, kind=kind, number=number, issuer=issuer,
            scope=scope, issued_on=issued, reminder_days=reminder, owner=staff, sites=[site],
            expires_on=add_months(issued, 12 * years) if years else None,
        )  # fmt: skip
        if ref == "PMT-PDP":
            for cref, czh, cen, article in CONDITIONS:
                obligations[cref] = obligation_services.obligation_create(
                    by=staff, reference=cref, title=cen, title_zh=czh, article=article,
                    source_type=ObligationSource.PERMIT_CONDITION, permit=permit, owner=staff,
                    sites=[site], review_months=3, effective_on=issued,
                )  # fmt: skip
    _evaluate(obligations, staff=staff, today=today)
    return len(obligations)


def _evaluate(obligations: dict[str, Obligation], *, staff: User, today: dt.date) -> None:
    """Recent compliant evaluations; the energy law's last one is 14 months old (overdue); the
    hazardous-waste store fails GB 18597."""
    recent = today - dt.timedelta(days=40)
    for ref, ob in obligations.items():
        if ref in ("IND-NEV-2019", "STD-GB18597", "LAW-ECL"):
            continue
        obligation_services.evaluation_record(
            obligation=ob, by=staff, evaluated_on=recent, result=EvaluationResult.COMPLIANT,
            notes="监测报告、台账与现场检查一致。", today=today,
        )  # fmt: skip
    obligation_services.evaluation_record(
        obligation=obligations["LAW-ECL"], by=staff, evaluated_on=today - dt.timedelta(days=425),
        result=EvaluationResult.COMPLIANT, notes="能源利用状况报告已按期报送。", today=today,
    )  # fmt: skip
    obligation_services.evaluation_record(
        obligation=obligations["STD-GB18597"], by=staff, evaluated_on=today - dt.timedelta(days=5),
        result=EvaluationResult.NOT_COMPLIANT, today=today,
        notes="现场检查：危废暂存间废电解液桶区未设置泄漏液体收集设施，两只桶标签缺失。",
        finding_statement="Hazardous-waste store: no spill containment under the waste-electrolyte "
        "drums and two drums without labels (GB 18597-2023 6.1).",
        finding_owner=staff, finding_due_on=today + dt.timedelta(days=25),
    )  # fmt: skip
