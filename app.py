"""Counter-Trafficking Atlas. ``python app.py`` serves it on 127.0.0.1:8050; ``gunicorn app:server`` too."""

from __future__ import annotations

import argparse

from dashboard.factory import create_app

app = create_app()
server = app.server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--debug", action="store_true", help="Dash debug mode (reloader, error pages)")
    args = parser.parse_args()
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
