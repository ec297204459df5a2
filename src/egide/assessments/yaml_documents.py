"""The YAML half of reading a framework (`frameworks.read_document`): the plain value and the line of each path,
refusing a document nested too deeply or holding too many values before it costs much. A module of its own so
that PyYAML is imported when a YAML document is read, not by every process that loads the models (the command
line's start among them)."""

from typing import Any

import yaml
from django.utils.translation import gettext as _

from egide.assessments.frameworks import MAX_DEPTH, MAX_NODES, Fault, FrameworkFaults

PLAIN_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})


class _TooBig(Exception):
    pass


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
OPENING = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
CLOSING = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _check_nesting(text: str) -> None:
    """Refuse a document nested too deeply from its stream of events, before the composer (which recurses, and
    takes seconds to fail on thousands of levels) builds its tree."""
    depth = 0
    for events, event in enumerate(yaml.parse(text, Loader=LOADER)):
        if isinstance(event, OPENING):
            depth += 1
            if depth > MAX_DEPTH:
                raise _TooBig
        elif isinstance(event, CLOSING):
            depth -= 1
        if events > MAX_NODES * 2:
            raise _TooBig


def _from_node(node: yaml.Node, path: str, lines: dict[str, int], budget: list[int], depth: int, loader: Any) -> Any:
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise _TooBig
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in PLAIN_TAGS:
        # The constructor refuses unknown tags on scalars; on collections the walk must, too.
        raise yaml.constructor.ConstructorError(None, None, f"unknown tag {node.tag}", node.start_mark)
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _from_node(key_node, path, {}, budget, depth + 1, loader)
            if not isinstance(key, str | int | float | bool) or key is None:
                key = str(key)
            child = f"{path}.{key}" if path else str(key)
            if key in mapping:
                mapping.setdefault("\0duplicates", []).append((key, key_node.start_mark.line + 1))
            mapping[key] = _from_node(value_node, child, lines, budget, depth + 1, loader)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [
            _from_node(item, f"{path}[{index}]", lines, budget, depth + 1, loader)
            for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


def read_yaml(text: str, too_big: Fault) -> tuple[Any, dict[str, int]]:
    """The YAML document's plain value and the line of each path, or FrameworkFaults (`too_big` for a document
    nested too deeply or holding too many values)."""
    loader = LOADER(text)
    try:
        _check_nesting(text)
        node = loader.get_single_node()
        if node is None:
            raise FrameworkFaults([Fault("", _("The file is empty."))])
        lines: dict[str, int] = {}
        value = _from_node(node, "", lines, [MAX_NODES], 0, loader)
    except _TooBig:
        raise FrameworkFaults([too_big]) from None
    except RecursionError:
        raise FrameworkFaults([too_big]) from None
    except yaml.MarkedYAMLError as error:
        if "nesting depth" in str(error.problem):  # libyaml's own limit
            raise FrameworkFaults([too_big]) from None
        mark = error.problem_mark or error.context_mark
        raise FrameworkFaults(
            [
                Fault(
                    "",
                    _("Not valid YAML: %(error)s.") % {"error": error.problem or error.context or ""},
                    mark.line + 1 if mark is not None else None,
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise FrameworkFaults([Fault("", _("Not valid YAML: %(error)s.") % {"error": error})]) from None
    finally:
        loader.dispose()
    return value, lines
