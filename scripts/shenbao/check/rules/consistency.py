"""Relations between figures: what one figure says about another."""

from __future__ import annotations

from collections.abc import Iterator

from shenbao.check.context import Context
from shenbao.check.rule import PROJECT, Finding, rule
from shenbao.check.settings import RELATION_KINDS
from shenbao.project.figures import FigureBook, closest_names


def relation_names(relation: dict) -> list[str]:
    """The figure names a relation speaks of."""
    spec = next((relation[kind] for kind in RELATION_KINDS if kind in relation), {})
    names = [spec.get(key) for key in ("part", "whole", "result", "numerator", "denominator")]
    return [name for name in names if name] + list(spec.get("parts") or [])


def broken(book: FigureBook, relation: dict) -> str:
    """What is wrong when all the relation's figures are known, or ''."""

    def value(name):
        figure = book.get(name)
        return figure.value if figure is not None and figure.is_number else None

    if "at_most" in relation:
        part, whole = relation["at_most"]["part"], relation["at_most"]["whole"]
        if None not in (value(part), value(whole)) and value(part) > value(whole):
            return f"{part}（{value(part)}）大于 {whole}（{value(whole)}）"
    elif "quotient" in relation:
        spec = relation["quotient"]
        result, top, bottom = value(spec["result"]), value(spec["numerator"]), value(spec["denominator"])
        if None not in (result, top, bottom) and bottom:
            expected = top / bottom * spec.get("factor", 1)
            if abs(expected - result) > spec.get("tolerance", 0):
                return f"{spec['result']}（{result}）与计算值 {expected:.2f} 不符"
    elif "sum_at_most" in relation:
        spec = relation["sum_at_most"]
        values = [value(name) for name in spec["parts"]]
        if None not in values and sum(values) > spec["limit"]:
            return f"{'、'.join(spec['parts'])} 之和 {sum(values)} 超过 {spec['limit']}"
    return ""


@rule(
    "consistency",
    "数据之间的关系成立：到位数不超过预算，人均数等于总数除以人口",
    scope=PROJECT,
    settings="`data/relations.yml`",
)
def consistency(context: Context) -> Iterator[Finding]:
    """检查什么：data/relations.yml 中的每条关系（at_most、quotient、sum_at_most），在其中的数据项都已知时是否成立；
    关系中写错的数据项名称也在这里报告。

    为什么：数据项各自填写，单看都对；到位数大于预算、人均数与总数对不上，审稿人一算就发现。

    示例：
        - at_most: {part: funds.received, whole: funds.budget}
          why: 已到位的经费不超过预算

    如何修正：核对两个数据项的来源，改正其中错的一个；名称写错时按提示改正 relations.yml。
    """
    book = context.project.figures
    settings = context.settings
    for relation, line in zip(settings.relations, settings.relation_lines, strict=True):
        unknown = [name for name in relation_names(relation) if name not in book]
        for name in unknown:
            close = closest_names(name, book)
            hint = f"是否想用：{'、'.join(close)}" if close else "在 data/figures.yml 中添加这一项"
            yield Finding(line, 3, f"关系中的数据项 “{name}” 不存在", hint, path=settings.relations_path)
        problem = "" if unknown else broken(book, relation)
        if problem:
            figure = book[relation_names(relation)[0]]
            yield Finding(figure.line, 3, problem, relation.get("why", ""), path=book.path)
