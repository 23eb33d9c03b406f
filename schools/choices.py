"""Enumerations of the standard workbook. Values are the glossary's English names; labels are the Chinese terms."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")


class SchoolKind(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    NINE_YEAR = "nine_year", _("九年一贯制学校")
    TWELVE_YEAR = "twelve_year", _("十二年一贯制学校")
    COMPLETE_SECONDARY = "complete_secondary", _("完全中学")
    TEACHING_POINT = "teaching_point", _("教学点")
    SPECIAL = "special", _("特殊教育学校")


class UrbanRuralCode(models.TextChoices):
    MAIN_URBAN = "111", _("111 主城区")
    URBAN_FRINGE = "112", _("112 城乡结合区")
    TOWN_CENTRE = "121", _("121 镇中心区")
    TOWN_FRINGE = "122", _("122 镇乡结合区")
    SPECIAL_AREA = "123", _("123 特殊区域")
    VILLAGE_CENTRE = "210", _("210 乡中心区")
    VILLAGE = "220", _("220 村庄")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("公办")
    PRIVATE = "private", _("民办")


class Stage(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")


COMPULSORY_STAGES = (Stage.PRIMARY, Stage.JUNIOR)


class ClassStage(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Degree(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("本科")
    ASSOCIATE = "associate", _("专科")
    SECONDARY = "secondary", _("高中阶段")
    BELOW_SECONDARY = "below_secondary", _("高中阶段以下")


class BackboneLevel(models.TextChoices):
    NONE = "none", _("无")
    COUNTY = "county", _("县级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("国家级")


class Title(models.TextChoices):
    SENIOR_PROFESSOR = "senior_professor", _("正高级")
    SENIOR = "senior", _("高级")
    FIRST = "first", _("一级")
    SECOND = "second", _("二级")
    THIRD = "third", _("三级")
    NONE = "none", _("未评")


class MonitoringLevel(models.IntegerChoices):
    I = 1, "Ⅰ"  # noqa: E741
    II = 2, "Ⅱ"
    III = 3, "Ⅲ"
    IV = 4, "Ⅳ"


# Subjects as the workbook writes them; the list is open ("其他 …"), so the model stores the Chinese name.
SUBJECTS = [
    "语文",
    "数学",
    "英语",
    "科学",
    "道德与法治",
    "体育",
    "音乐",
    "美术",
    "艺术",
    "信息科技",
    "劳动",
    "其他",
]


# The qualitative items a county declares with evidence (定性指标, 佐证材料), in the rule set's order, by the names
# the report gives them (the same source texts as indicators.presenter.labels.INDICATORS, so one translation).
DECLARATION_ITEMS = {
    "G1": _("县域义务教育学校规划布局"),
    "G2": _("学校建设标准"),
    "G10": _("教职工编制"),
    "E3": _("学校章程与管理、教学信息化"),
    "E5": _("教师信息化教学与设施设备利用"),
    "E6": _("德育工作与校园文化建设"),
    "E7": _("课程开齐开足与综合实践活动"),
    "E8": _("无过重课业负担"),
}


class ReviewState(models.TextChoices):
    """A city official's mark on a county's declaration; blank until reviewed (and again after a new declaration)."""

    REVIEWED = "reviewed", _("已审核")
    NEEDS_REVISION = "needs_revision", _("需修改")
