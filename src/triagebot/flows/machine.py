"""The transitions Machine of a compiled flow: one per flow, shared by its sessions.

Its states are the flow's nodes and its transitions the routing rules, in rule order
(transitions tries a trigger's conditions in order; the first that holds wins). A
session keeps its own state on a :class:`MachineModel` and fires the Machine's events on
it, so the Machine holds no session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from transitions import EventData, Machine

from triagebot.flows.compiler import CompiledFlow, collection_paused
from triagebot.flows.expr import Expr
from triagebot.flows.schema import GroupNode

if TYPE_CHECKING:
    from triagebot.flows.engine import Session

TRIGGER = "answer"
SKIP = "skip"
"""The trigger that passes over a group's ``another`` question in its last round."""


class _Condition:
    """A compiled condition in the shape transitions calls (``send_event=True``).

    Its ``__name__`` is the condition's text, which transitions' diagrams use as the label.
    """

    def __init__(self, condition: Expr, text: str) -> None:
        self.condition = condition
        self.__name__ = " ".join(text.split())  # one line, even from a folded YAML scalar

    def __call__(self, event: EventData) -> bool:
        model = event.model
        assert isinstance(model, MachineModel)
        return bool(self.condition.evaluate(model.session.env))


class _NewRound:
    """The first transition of a group's state: a round starts at ``start`` when the group
    is entered, or when the round just ended said yes to ``another`` and rounds remain."""

    def __init__(self, group_id: str, group: GroupNode) -> None:
        self.group_id = group_id
        self.__name__ = round_edge_label(group)

    def __call__(self, event: EventData) -> bool:
        model = event.model
        assert isinstance(model, MachineModel)
        return model.session.groups.starts_round(self.group_id)


class _LastRound:
    """The ``skip`` transition of ``another``: taken in the last round, where it is not asked."""

    def __init__(self, group: GroupNode) -> None:
        self.max = group.max
        self.__name__ = skip_edge_label(group)

    def __call__(self, event: EventData) -> bool:
        model = event.model
        assert isinstance(model, MachineModel)
        return model.session.round == self.max


def round_edge_label(group: GroupNode) -> str:
    """How the edge from a group to its ``start`` reads (diagrams use it)."""
    return f"round 1, or {group.another} == 'yes' (at most {group.max} rounds)"


def skip_edge_label(group: GroupNode) -> str:
    """How the edge that passes over ``another`` in the last round reads."""
    return f"round {group.max} of {group.max}, not asked"


def transition_specs(compiled: CompiledFlow) -> list[dict[str, Any]]:
    """One transition per routing rule, in rule order (transitions tries them in order).

    A group's state first tries its new-round transition, then its ``next`` rules; each
    group's ``another`` has a ``skip`` transition to the group for the last round.
    """
    specs: list[dict[str, Any]] = []
    for node_id, rules in compiled.routes.items():
        group = compiled.groups.get(node_id)
        if group is not None:
            new_round = _NewRound(node_id, group)
            specs.append(
                {
                    "trigger": TRIGGER,
                    "source": node_id,
                    "dest": group.start,
                    "conditions": [new_round],
                }
            )
        for rule in rules:
            spec: dict[str, Any] = {"trigger": TRIGGER, "source": node_id, "dest": rule.goto}
            if rule.condition is not None:
                spec["conditions"] = [_Condition(rule.condition, rule.text or "")]
            specs.append(spec)
    for group_id, group in compiled.groups.items():
        specs.append(
            {
                "trigger": SKIP,
                "source": group.another,
                "dest": group_id,
                "conditions": [_LastRound(group)],
            }
        )
    return specs


_machines: WeakKeyDictionary[CompiledFlow, Machine] = WeakKeyDictionary()
"""The one Machine of each compiled flow, shared by its sessions (gone with the flow)."""


def machine_of(compiled: CompiledFlow) -> Machine:
    """The flow's Machine, built on first use. It holds no model: each session keeps its
    own state on its :class:`MachineModel` and fires the Machine's events on it, so a
    Machine keeps no session alive and a batch of sessions builds it once."""
    machine = _machines.get(compiled)
    if machine is None:
        with collection_paused():
            machine = Machine(
                model=None,
                states=list(compiled.nodes),
                transitions=transition_specs(compiled),
                initial=compiled.flow.start,
                auto_transitions=False,
                send_event=True,
                model_attribute="state",
            )
        _machines[compiled] = machine
    return machine


class MachineModel:
    """What transitions decorates (state, trigger, is_<state>): kept apart from Session so
    none of transitions' generated names can shadow a Session method."""

    state: str

    def __init__(self, session: Session, machine: Machine, initial: str) -> None:
        self.session = session
        self.machine = machine
        self.state = initial

    def trigger(self, name: str) -> bool:
        """Fire the shared Machine's event ``name`` on this session; whether it moved."""
        return bool(self.machine.events[name].trigger(self))

    def go_to(self, state: str) -> None:
        """Put this session at ``state`` without a transition (undo, back, edit)."""
        self.machine.set_state(state, model=self)


class RuleModel:
    """The moves of :class:`MachineModel`, taken straight from the compiled rules.

    For batches (``run --cases``), where transitions' event machinery costs more than the
    rest of a case: the same transitions :func:`transition_specs` gives the Machine, tried
    in the same order with the same conditions, so a session moves exactly as it would on
    the Machine (``tests/test_rule_routing.py`` checks it on every bundled flow).
    Interactive sessions keep the Machine.
    """

    state: str

    def __init__(self, session: Session, compiled: CompiledFlow, initial: str) -> None:
        self.session = session
        self.compiled = compiled
        self.state = initial
        self._last_rounds = {
            group.another: (group_id, group.max) for group_id, group in compiled.groups.items()
        }

    def trigger(self, name: str) -> bool:
        """Take event ``name`` from the current state; whether it moved."""
        if name == SKIP:
            return self._skip()
        state = self.state
        session = self.session
        group = self.compiled.groups.get(state)
        if group is not None and session.groups.starts_round(state):
            self.state = group.start
            return True
        for rule in self.compiled.routes.get(state, ()):
            if rule.condition is None or rule.condition.evaluate(session.env):
                self.state = rule.goto
                return True
        return False

    def _skip(self) -> bool:
        """``another`` in its group's last round goes back to the group, not asked."""
        last = self._last_rounds.get(self.state)
        if last is None or self.session.round != last[1]:
            return False
        self.state = last[0]
        return True

    def go_to(self, state: str) -> None:
        """Put this session at ``state`` without a transition (undo, back, edit)."""
        self.state = state


def session_model(
    session: Session, compiled: CompiledFlow, *, rules: bool = False
) -> MachineModel | RuleModel:
    """Where a new session keeps its state and fires its moves: on the flow's shared
    Machine, or (``rules``, for batches) straight on the compiled rules."""
    if rules:
        return RuleModel(session, compiled, compiled.flow.start)
    return MachineModel(session, machine_of(compiled), compiled.flow.start)
