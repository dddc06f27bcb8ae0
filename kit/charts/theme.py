"""One place for the chart colours and marker shapes.

Colours come from the Okabe-Ito palette, which stays distinguishable for the common forms of
colour blindness; every signal also gets its own marker shape, so colour is never the only
cue (NHS Making Data Count uses blue for improvement and orange for concern: we keep that
convention).
"""

from __future__ import annotations

#: Point colours by ``SPCResult.points["variation"]``.
VARIATION_COLOURS = {
    "common": "#6E6E6E",  # grey: common-cause variation
    "improvement": "#0072B2",  # blue
    "concern": "#E69F00",  # orange
    "special": "#CC79A7",  # reddish purple: a signal when no direction is set
}
#: Marker shapes by variation: the second cue beside colour.
VARIATION_MARKERS = {
    "common": "circle",
    "improvement": "triangle",
    "concern": "inverted_triangle",
    "special": "diamond",
}
#: Legend words by variation.
VARIATION_LABELS = {
    "common": "Common cause",
    "improvement": "Improvement",
    "concern": "Concern",
    "special": "Special cause",
}

DATA_LINE = "#9A9A9A"
CENTRE_LINE = "#333333"
CENTRE_LINE_SIGNAL = "#D55E00"  # vermillion: the runs analysis signals in this phase
LIMIT_LINE = "#A0A0A0"
TARGET_LINE = "#009E73"  # bluish green
PHASE_DIVIDER = "#555555"
BASELINE_FILL = "#56B4E9"  # sky blue, drawn very light
BASELINE_ALPHA = 0.12
ANNOTATION_LINE = "#CC79A7"
EXCLUDED_FILL = "white"  # excluded points are drawn hollow

POINT_SIZE = 9
LIMIT_WIDTH = 1.5  # upper and lower limits
CENTRE_WIDTH = 2.0
SIGNAL_POINT_SIZE = 12
FONT = "Helvetica, Arial, sans-serif"
