"""The condition and formula language of flow files.

Expressions are short Python-like strings (``lactate >= 8 and ph < 7.0``). They are parsed
with :func:`ast.parse` and only a whitelist of node kinds is accepted; everything else
(attributes, subscripts, other calls, ``**``, lambdas, comprehensions) is refused with its
column. The result is a small typed tree that is evaluated directly (no ``eval``) and can
be analysed: the verifier reads the thresholds a number is compared with off the tree.

Types are checked at load against the flow's declared variables: a yes/no answer compared
with a number, or with a value it can never take (``'yse'``), is a load error.

A repeated group's entries are read through aggregates (``count_of``, ``any_of``,
``all_of``, ``min_of``, ``max_of``, ``sum_of``, ``first_min``, ``first_max``; see
:class:`Aggregate`), whose per-entry arguments name the group's members.

The language is written in three modules, re-exported here: the tree and its evaluation
(``expr_tree``), aggregates over a group's entries (``expr_aggregates``), and parsing with
type checking (``expr_parse``, its calls of functions and aggregates in ``expr_calls``).
"""

from __future__ import annotations

from triagebot.flows.expr_aggregates import AGGREGATES as AGGREGATES  # noqa: PLC0414
from triagebot.flows.expr_aggregates import ENTRY_NUMBER as ENTRY_NUMBER  # noqa: PLC0414
from triagebot.flows.expr_aggregates import Aggregate as Aggregate  # noqa: PLC0414
from triagebot.flows.expr_aggregates import Count as Count  # noqa: PLC0414
from triagebot.flows.expr_aggregates import EntryPart as EntryPart  # noqa: PLC0414
from triagebot.flows.expr_aggregates import _EntryEnv as _EntryEnv  # noqa: PLC0414
from triagebot.flows.expr_aggregates import names_in as names_in  # noqa: PLC0414
from triagebot.flows.expr_calls import AGGREGATE_FORMS as AGGREGATE_FORMS  # noqa: PLC0414
from triagebot.flows.expr_calls import BOOL as BOOL  # noqa: PLC0414
from triagebot.flows.expr_calls import FUNCTIONS_HELP as FUNCTIONS_HELP  # noqa: PLC0414
from triagebot.flows.expr_calls import NUMBER as NUMBER  # noqa: PLC0414
from triagebot.flows.expr_parse import _AST_ARITHMETIC as _AST_ARITHMETIC  # noqa: PLC0414
from triagebot.flows.expr_parse import _AST_COMPARISONS as _AST_COMPARISONS  # noqa: PLC0414
from triagebot.flows.expr_parse import _describe as _describe  # noqa: PLC0414
from triagebot.flows.expr_parse import infer as infer  # noqa: PLC0414
from triagebot.flows.expr_parse import parse as parse  # noqa: PLC0414
from triagebot.flows.expr_tree import ARITHMETIC as ARITHMETIC  # noqa: PLC0414
from triagebot.flows.expr_tree import COMPARISONS as COMPARISONS  # noqa: PLC0414
from triagebot.flows.expr_tree import MAX_DEPTH as MAX_DEPTH  # noqa: PLC0414
from triagebot.flows.expr_tree import MAX_EXPRESSION_LENGTH as MAX_EXPRESSION_LENGTH  # noqa: PLC0414
from triagebot.flows.expr_tree import NUMBER_FUNCTIONS as NUMBER_FUNCTIONS  # noqa: PLC0414
from triagebot.flows.expr_tree import ROUND_DIGITS as ROUND_DIGITS  # noqa: PLC0414
from triagebot.flows.expr_tree import And as And  # noqa: PLC0414
from triagebot.flows.expr_tree import Answered as Answered  # noqa: PLC0414
from triagebot.flows.expr_tree import Arith as Arith  # noqa: PLC0414
from triagebot.flows.expr_tree import Call as Call  # noqa: PLC0414
from triagebot.flows.expr_tree import Compare as Compare  # noqa: PLC0414
from triagebot.flows.expr_tree import Const as Const  # noqa: PLC0414
from triagebot.flows.expr_tree import Env as Env  # noqa: PLC0414
from triagebot.flows.expr_tree import EvaluationError as EvaluationError  # noqa: PLC0414
from triagebot.flows.expr_tree import Expr as Expr  # noqa: PLC0414
from triagebot.flows.expr_tree import ExprError as ExprError  # noqa: PLC0414
from triagebot.flows.expr_tree import FlowRuntimeError as FlowRuntimeError  # noqa: PLC0414
from triagebot.flows.expr_tree import IfElse as IfElse  # noqa: PLC0414
from triagebot.flows.expr_tree import In as In  # noqa: PLC0414
from triagebot.flows.expr_tree import Kind as Kind  # noqa: PLC0414
from triagebot.flows.expr_tree import Known as Known  # noqa: PLC0414
from triagebot.flows.expr_tree import Name as Name  # noqa: PLC0414
from triagebot.flows.expr_tree import Negate as Negate  # noqa: PLC0414
from triagebot.flows.expr_tree import Not as Not  # noqa: PLC0414
from triagebot.flows.expr_tree import Or as Or  # noqa: PLC0414
from triagebot.flows.expr_tree import Unavailable as Unavailable  # noqa: PLC0414
from triagebot.flows.expr_tree import Value as Value  # noqa: PLC0414
from triagebot.flows.expr_tree import VarType as VarType  # noqa: PLC0414
from triagebot.flows.expr_tree import _bounded as _bounded  # noqa: PLC0414
from triagebot.flows.expr_tree import _round as _round  # noqa: PLC0414
