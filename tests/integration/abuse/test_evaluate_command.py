"""`retour insights evaluate-abuse`: precision, recall and the honest review rate on a planted history."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args: str) -> str:
    out = StringIO()
    call_command("insights", *args, stdout=out)
    return out.getvalue()


def test_the_json_has_the_three_figures_and_one_seed_gives_one_answer():
    first = json.loads(run("evaluate-abuse", "--seed", "7", "--json"))
    assert set(first) == {"precision", "recall", "honest_review_rate"}
    assert first == json.loads(run("evaluate-abuse", "--seed", "7", "--json"))
    assert first["precision"] >= 0.8
    assert first["recall"] >= 0.7
    assert first["honest_review_rate"] <= 0.03


def test_the_text_reads_as_a_sentence_and_a_seed_is_required():
    assert run("evaluate-abuse", "--seed", "2", "--shoppers", "500").startswith("Precision ")
    with pytest.raises(CommandError):
        call_command("insights", "evaluate-abuse")


def test_no_two_apps_define_one_command_name_and_insights_is_the_abuse_group():
    """`retour insights` is one command (a group of actions): a second `insights` command in another app
    would be hidden by the first silently, as would any other name defined twice."""
    import os
    from collections import defaultdict

    from django.apps import apps
    from django.core.management import find_commands, get_commands

    places: dict[str, list[str]] = defaultdict(list)
    for app in apps.get_app_configs():
        if app.name.startswith("retour."):
            for name in find_commands(os.path.join(app.path, "management")):
                places[name].append(app.name)
    assert {name: where for name, where in places.items() if len(where) > 1} == {}
    assert get_commands()["insights"] == "retour.abuse"
    assert get_commands()["report"] == "retour.insights"
