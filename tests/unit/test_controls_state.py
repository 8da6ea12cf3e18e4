"""The controls' values to a view state: through the URL parser, each value encoded."""

from __future__ import annotations


def test_a_value_is_one_value_whatever_it_holds(atlas_app):
    from dashboard.callbacks.view import state_from_controls

    with atlas_app.server.app_context():
        state, notices = state_from_controls(["rcm&type=protection#x"], [], ["forced-labour%26"], "tip-tier", 2007, [])
    # Not read as a second parameter: the region is unknown (and dropped, with a notice); no type.
    assert state.regions == () and state.types == () and state.forms == ()
    assert any("rcm&type=protection#x" in notice for notice in notices)


def test_controls_make_the_state_they_show(atlas_app):
    from dashboard.callbacks.view import state_from_controls

    with atlas_app.server.app_context():
        state, notices = state_from_controls(
            ["bali-process", "rcm"], ["protection"], [], "population", 2002, ["choropleth", "programs"]
        )
    assert notices == []
    assert (state.regions, state.types, state.indicator, state.year) == (
        ("bali-process", "rcm"),
        ("protection",),
        "population",
        2002,
    )
    assert state.layers == ("choropleth", "programs")
