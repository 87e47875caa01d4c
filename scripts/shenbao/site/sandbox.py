"""What a page's template may do: call our macros and use plain Jinja, nothing else.

A page is text from anyone who can open a pull request. Jinja as
mkdocs-macros sets it up can reach Python itself
(``lipsum.__globals__["os"]``), and hands every page the build's
configuration, the host's versions and the files on disk. Here a page is
rendered in a sandboxed environment that knows only our macros and the page's
own metadata, includes only files inside docs/, and ``unsafe_uses`` refuses
the same things before rendering, with their lines, for the build and for
``make check`` alike.
"""

from __future__ import annotations

import os
import pickle
import re
import resource
import select
import signal
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from shenbao.errors import ShenbaoError

# Jinja's globals a page may use; lipsum, cycler and joiner are left out (lipsum reaches Python's modules).
SAFE_GLOBALS = frozenset({"range", "dict", "namespace"})
# Names mkdocs-macros or Jinja hand to templates that tell about the host or reach code.
UNSAFE_NAMES = frozenset(
    {
        "config",
        "environment",
        "plugin",
        "git",
        "page",
        "navigation",
        "files",
        "extra",
        "macros",
        "filters",
        "filters_builtin",
        "context",
        "macros_info",
        "render_file",
        "now",
        "fix_url",
        "lipsum",
        "cycler",
        "joiner",
        "self",
    }
)
RULE = "template-unsafe"
INCLUDE_TAGS = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


@dataclass(frozen=True)
class UnsafeUse:
    line: int
    message: str
    hint: str
    rule: str = RULE


def unsafe_uses(tree: nodes.Template, include_root: Path | None = None) -> list[UnsafeUse]:
    """Every use of the host or of Python in a parsed page, in document order.

    ``include_root`` is the folder includes are read from; given, an include of
    a file that is not there is reported too, instead of failing mid-render.
    """
    found = [*_unsafe_names(tree), *_private_attributes(tree), *_includes(tree, include_root)]
    return sorted(found, key=lambda use: use.line)


def unsafe_name(name: str, line: int) -> UnsafeUse:
    return UnsafeUse(
        line,
        f"页面不能使用 “{name}”：它会暴露构建环境或执行代码",
        "页面只能用 fig、table、chart、ref、missing 和普通的 Jinja 语句",
    )


def _unsafe_names(tree: nodes.Template) -> list[UnsafeUse]:
    assigned = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    return [
        unsafe_name(name.name, name.lineno)
        for name in tree.find_all(nodes.Name)
        if name.ctx == "load" and name.name in UNSAFE_NAMES and name.name not in assigned
    ]


def _private_attributes(tree: nodes.Template) -> list[UnsafeUse]:
    """``x.__class__``, ``x._private``, ``x["__globals__"]``: the ways from a value to Python."""
    found = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        name = node.attr if isinstance(node, nodes.Getattr) else _constant(node.arg)
        if isinstance(name, str) and name.startswith("_"):
            found.append(UnsafeUse(node.lineno, f"页面不能访问以下划线开头的属性 “{name}”", "去掉这一段模板代码"))
    return found


def _includes(tree: nodes.Template, include_root: Path | None) -> list[UnsafeUse]:
    found = []
    for node in tree.find_all(INCLUDE_TAGS):
        name = _constant(node.template)
        if not isinstance(name, str):
            found.append(UnsafeUse(node.lineno, "include 和 import 只能写固定的文件名", '如 {% include "片段.md" %}'))
        elif not is_inside(name):
            found.append(
                UnsafeUse(
                    node.lineno,
                    f"不能引用 docs/ 以外的文件 “{name}”",
                    "被引用的文件放在 docs/ 中，用相对于 docs/ 的路径",
                )
            )
        elif include_root is not None and not (include_root / name).is_file():
            found.append(UnsafeUse(node.lineno, f"找不到被引用的文件 “{name}”", "路径相对于 docs/"))
    return found


def _constant(node) -> object:
    return node.value if isinstance(node, nodes.Const) else None


def is_inside(name: str) -> bool:
    """A template name that stays below the folder it is read from: relative, no ``..``."""
    parts = name.replace("\\", "/").split("/")
    return bool(name) and not os.path.isabs(name) and not name.startswith(("/", "\\")) and ".." not in parts


# --- rendering -------------------------------------------------------------------


class ConfinedLoader(jinja2.FileSystemLoader):
    """Reads includes from one folder; a symbolic link leading out of it is refused."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        root = Path(self.searchpath[0]).resolve()
        if not Path(filename).resolve().is_relative_to(root):
            raise jinja2.TemplateNotFound(template, f"“{template}” 指向 docs/ 以外")
        return source, filename, uptodate


MAX_ITEMS = 1_000_000  # characters or list items one ``*`` may make: far more than any page holds
MAX_EXPONENT = 1_000


class TooLarge(ShenbaoError):
    """A page asked for text or a number far beyond any application: it would stop the build."""


class PageEnvironment(SandboxedEnvironment):
    """The sandbox, refusing private attributes as well as those Jinja's sandbox already refuses,
    and ``"a" * 10 ** 9`` or ``10 ** 10 ** 10``, which would take the build's memory or time."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def is_safe_attribute(self, obj, attr, value) -> bool:
        return not attr.startswith("_") and super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context, operator, left, right):
        if operator == "%" and _has_callable(right):
            raise TooLarge("不能把宏本身写进页面", CALL_HINT)
        if operator == "*":
            for items, count in ((left, right), (right, left)):
                sequence = isinstance(items, (str, list, tuple)) and isinstance(count, int)
                if sequence and len(items) * count > MAX_ITEMS:
                    raise TooLarge(f"模板运算的结果过大（超过 {MAX_ITEMS} 个字或项）", "直接写出要重复的文字")
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise TooLarge(f"模板运算的结果过大（指数超过 {MAX_EXPONENT}）", "数字写在 data/figures.yml 中")
        return super().call_binop(context, operator, left, right)


CALL_HINT = '宏要调用，如 {{ fig("population.total") }}'


def _has_callable(value) -> bool:
    values = value if isinstance(value, (tuple, list)) else value.values() if isinstance(value, dict) else (value,)
    return any(callable(item) for item in values)


def _finalize(value):
    """What a ``{{ … }}`` prints: never a function's repr (``<function make_macros.<locals>.fig at 0x…>``)."""
    if callable(value):
        raise TooLarge("不能把宏本身写进页面", CALL_HINT)
    return value


def page_environment(include_root: Path, undefined=jinja2.StrictUndefined) -> PageEnvironment:
    environment = PageEnvironment(
        loader=ConfinedLoader(str(include_root)), undefined=undefined, autoescape=False, finalize=_finalize
    )
    environment.globals = {name: value for name, value in environment.globals.items() if name in SAFE_GLOBALS}
    return environment


class RenderError(ShenbaoError):
    """A page failed while rendering; ``line`` is the page's line where it did."""

    def __init__(self, line: int, message: str, hint: str = ""):
        self.line = line
        super().__init__(message, hint)


def render_page(markdown: str, environment: jinja2.Environment, context: dict) -> str:
    """The page rendered with only ``context`` (our macros and the page's metadata) in reach."""
    try:
        text = environment.from_string(markdown).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise RenderError(error.lineno, f"模板语法错误：{error.message}") from None
    except jinja2.exceptions.SecurityError as error:
        raise RenderError(_template_line(error), f"页面试图访问不允许的内容：{error}") from None
    except RecursionError as error:
        raise RenderError(
            _template_line(error), "include 成了循环：页面直接或间接地包含了它自己", "删去造成循环的 include"
        ) from None
    except ShenbaoError as error:  # ours, already in the writer's words, hint apart
        raise RenderError(_template_line(error), error.message, error.hint) from None
    except Exception as error:  # a macro's own error, said in its words, at the line it was called from
        raise RenderError(_template_line(error), *_said(error)) from None
    if found := _REPR.search(text):  # ``"x" ~ fig`` joins a function's repr into the text
        raise RenderError(text.count("\n", 0, found.start()) + 1, "不能把宏本身写进页面", CALL_HINT)
    return text


# How Python prints a function or an object that has no text of its own.
_REPR = re.compile(r"<(?:function|bound method|built-in function|built-in method|class|module) [^>]{0,200}>")


def _said(error: Exception) -> tuple[str, str]:
    """The writer's words for a failed render, message and hint: ours as they are, Python's and Jinja's translated.

    Library text (``Range too big``, ``Exceeds the limit (4300 digits)``, a function's
    signature) says nothing to a writer and tells about the code behind the page.
    """
    if isinstance(error, TooLarge) or type(error).__module__.startswith(("shenbao", "mkdocs")):
        return str(error), ""  # ours, and our macros' own messages (PluginError too), already in the writer's words
    if isinstance(error, OverflowError) or (isinstance(error, ValueError) and "digits" in str(error)):
        return "模板运算的结果过大", BUDGET_HINT
    if isinstance(error, MemoryError):
        return "模板运算用尽了允许的内存", BUDGET_HINT
    if isinstance(error, jinja2.TemplateNotFound):
        said = error.message or ""
        if "docs/" in said:  # ConfinedLoader's own words
            return said, "被引用的文件放在 docs/ 中"
        return f"找不到被引用的文件 “{error.name}”", "路径相对于 docs/"
    if isinstance(error, jinja2.UndefinedError):
        return "未定义的名称", _undefined_name(error)
    if isinstance(error, TypeError):
        return "宏或运算的参数不对", "fig、table、chart、ref、missing 各需要一个带引号的名称，signature() 不带参数"
    if isinstance(error, (ValueError, ArithmeticError, LookupError)):
        return "模板运算出错", "检查这一行的运算、格式和下标；数字写在 data/figures.yml 中"
    return "模板运算出错", "检查这一行的模板代码"


def _undefined_name(error: Exception) -> str:
    name = str(error).split("'")
    return f"“{name[1]}” 没有定义" if len(name) >= 3 else "检查拼写"


def _template_line(error: Exception) -> int:
    """The page's line Jinja was executing when ``error`` was raised (0 when unknown)."""
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == "<template>"]
    return lines[-1] if lines else 0


# --- the budget ------------------------------------------------------------------
#
# Counting operations inside Jinja cannot be complete: ``~``, filters, ``%``-format,
# ``center``, ``join`` and nested ``range`` each grow text or time their own way.
# The operating system can: a page that is not plain macro calls is rendered in a
# forked child with a CPU-time and an address-space limit, and its result must fit
# a size. Whatever the arithmetic, the child stops and the build says which page.

CPU_SECONDS = 20  # a page of a thousand tables renders in well under a second
WALL_SECONDS = 120  # on a machine busy with other work too; a child past it is stuck, not computing
MEMORY_BYTES = 768 * 1024 * 1024  # beyond what the build process already holds
MAX_PAGE_CHARS = 5_000_000  # rendered Markdown: a hundred times a long page
BUDGET_HINT = "页面中的循环、重复和运算过大；重复的文字直接写出，数字写在 data/figures.yml 中"


class BudgetExceeded(RenderError):
    """The page's render went over its time, memory or size budget."""


def render_bounded(markdown: str, environment: jinja2.Environment, context: dict, carried: dict | None = None) -> str:
    """``render_page`` in a child process that cannot use more than the page budget.

    ``carried`` is state the macros change while rendering (the exhibits' numbers: the first
    ``table()`` is 表1, the next page's 表2): the child's changes to it are applied here as well,
    as if the page had been rendered in this process.
    """
    if not hasattr(os, "fork"):  # not on Linux or macOS: the sandbox's own guards only
        return render_page(markdown, environment, context)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render, send the result, and leave without running any cleanup
        status = 0
        try:
            os.close(read_end)
            _limit_child()
            _send(write_end, _render_in_child(markdown, environment, context, carried))
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        data = _receive(read_end, time.monotonic() + WALL_SECONDS)
    except TimeoutError:  # the child waits on something (a lock another thread held at the fork): end it
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise BudgetExceeded(0, f"页面渲染超过了 {WALL_SECONDS} 秒", BUDGET_HINT) from None
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if not data:
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
            raise BudgetExceeded(0, f"页面渲染超过了 {CPU_SECONDS} 秒的计算时间", BUDGET_HINT)
        raise BudgetExceeded(0, "页面渲染超出了允许的内存", BUDGET_HINT)
    kind, *rest = pickle.loads(data)
    if kind == "ok":
        text, state = rest
        if carried is not None:
            carried.update(state)
        return text
    raise (BudgetExceeded if kind == "budget" else RenderError)(*rest)


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + MEMORY_BYTES
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space() -> int:
    """The process's virtual size now: the child inherits it, the budget comes on top."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 * 4


def _render_in_child(markdown: str, environment, context, carried: dict | None) -> tuple:
    try:
        text = render_page(markdown, environment, context)
    except RenderError as error:
        return ("error", error.line, error.message, error.hint)
    except MemoryError:
        return ("budget", 0, "页面渲染超出了允许的内存", BUDGET_HINT)
    if len(text) > MAX_PAGE_CHARS:
        return ("budget", 0, f"渲染后的页面超过 {MAX_PAGE_CHARS} 个字", BUDGET_HINT)
    return ("ok", text, dict(carried or {}))


def _send(fd: int, result: tuple) -> None:
    data = pickle.dumps(result)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd: int, deadline: float) -> bytes:
    """All the child sends, until it closes its end; ``TimeoutError`` past ``deadline``."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
