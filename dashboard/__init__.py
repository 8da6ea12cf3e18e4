"""The atlas's Dash app: view state, map layers, layout and callbacks."""
