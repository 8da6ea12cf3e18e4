"""Benchmarks of the map's filter callback: ``python -m benchmarks [--quick | --profile]``.

- :mod:`benchmarks.filter_callback`: the real callback, posted as the browser posts it.
- :mod:`benchmarks.baseline`: a full-GeoJSON figure rebuilt per filter change, for comparison.
- :mod:`benchmarks.suite`: the run (cache hit, miss and none, interleaved) and the profile.
- :mod:`benchmarks.report`: statistics, tables and budgets.
"""
